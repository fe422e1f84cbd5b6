"""The nightly refresh is shared between the processes that run it on one store: a part of
the listings another process holds is passed over (and left to it), a free part is
refreshed, and one pool of worker processes serves every part."""

import os
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import select

from planner.forecast import load_calendar
from planner.forecast.batch import Workers
from tests.postgres_fixture import postgres_url  # noqa: F401  (a fresh database per test)
from tracker import locations
from tracker.checks.forecasts import import_history
from tracker.checks.nightly import _PG_FORECAST_KEY, PART_LISTINGS, refresh_forecasts
from tracker.checks.service_lock import hold_lock_file
from tracker.store.db import dispose_engines, open_engine, session_scope
from tracker.store.tables import ForecastRecord, Listing, Product

TODAY = date(2026, 10, 20)
# Two listings in different parts: the first and the first of the next part.
FIRST, OTHER = 1, PART_LISTINGS + 1


def _store(url, tmp_path):
    engine = open_engine(url)
    with session_scope(engine, write=True) as session:
        product = Product(name="detergent", category="household")
        session.add(product)
        session.flush()
        for listing_id in (FIRST, OTHER):
            url_ = f"https://item.jd.com/{listing_id}.html"
            session.add(Listing(id=listing_id, product_id=product.id, platform="jd", url=url_))
    start = date(2024, 10, 1)
    for listing_id in (FIRST, OTHER):
        path = tmp_path / f"{listing_id}.csv"
        days = [start + timedelta(days=n) for n in range((TODAY - start).days + 1)]
        sale = {(11, 11), (6, 18)}
        path.write_text(
            "date,price\n"
            + "".join(f"{d},{'80.00' if (d.month, d.day) in sale else '100.00'}\n" for d in days)
        )
        import_history(engine, path, listing_id)
    return engine


def _forecast_listings(engine):
    with session_scope(engine) as session:
        return {r.listing_id for r in session.exec(select(ForecastRecord))}


def test_on_postgresql_a_part_another_process_holds_is_left_to_it(postgres_url, tmp_path):  # noqa: F811
    engine = _store(postgres_url, tmp_path)
    calendar = load_calendar()
    other_machine = sa.create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with other_machine.connect() as holder:
        key = {"k": _PG_FORECAST_KEY, "p": OTHER // PART_LISTINGS}
        assert holder.scalar(sa.text("SELECT pg_try_advisory_lock(:k, :p)"), key)
        held = refresh_forecasts(engine, calendar, TODAY, workers=1)
        assert (held.made, held.parts_passed, held.failed) == (2, 1, ())
        assert _forecast_listings(engine) == {FIRST}
        holder.execute(sa.text("SELECT pg_advisory_unlock(:k, :p)"), key)
    other_machine.dispose()
    # The holder died or finished without storing: the next run takes its part, and
    # the part done before costs no refit.
    freed = refresh_forecasts(engine, calendar, TODAY, workers=1)
    assert (freed.made, freed.skipped, freed.parts_passed) == (2, 2, 0)
    assert _forecast_listings(engine) == {FIRST, OTHER}
    dispose_engines()


def test_on_sqlite_a_second_process_leaves_the_night_to_the_first(tmp_path):
    database = tmp_path / "store.sqlite"
    engine = _store(f"sqlite:///{database}", tmp_path)
    calendar = load_calendar()
    first_process = hold_lock_file(locations.forecast_lock_file(database))
    assert first_process is not None
    try:
        second = refresh_forecasts(engine, calendar, TODAY, workers=1)
    finally:
        first_process.close()
    assert (second.made, second.parts_passed) == (0, 2)
    assert _forecast_listings(engine) == set()
    alone = refresh_forecasts(engine, calendar, TODAY, workers=1)
    assert (alone.made, alone.parts_passed, alone.failed) == (4, 0, ())
    assert _forecast_listings(engine) == {FIRST, OTHER}
    dispose_engines()


def _worker(_item: int) -> int:
    return os.getpid()


def test_one_pool_serves_every_call():
    with Workers(2) as pool:
        first = set(pool.map(_worker, range(8)))
        second = set(pool.map(_worker, range(8)))
        assert pool.map(_worker, [0]) == [os.getpid()]  # one item: no process needed
    assert os.getpid() not in first and second <= first
