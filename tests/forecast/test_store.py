"""The bridge for tracked listings: import history, forecast, store, skip unchanged."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from planner.errors import HistoryImportError
from planner.forecast import load_calendar
from tracker.checks.forecasts import forecast_listing, import_history
from tracker.checks.nightly import refresh_forecasts
from tracker.errors import NotFoundError
from tracker.store.db import dispose_engines, open_engine, session_scope
from tracker.store.tables import ForecastRecord, Listing, Observation, Product


@pytest.fixture
def engine(tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with session_scope(engine, write=True) as session:
        product = Product(name="detergent", category="household")
        session.add(product)
        session.flush()
        for n in (1, 2):
            session.add(Listing(product_id=product.id, platform="jd", url=f"https://jd.test/{n}"))
    yield engine
    dispose_engines()


def csv_file(tmp_path, name, rows):
    path = tmp_path / name
    path.write_text("date,price\n" + "".join(f"{d.isoformat()},{p}\n" for d, p in rows))
    return path


def daily(start, days, price_of):
    return [(start + timedelta(days=i), price_of(start + timedelta(days=i))) for i in range(days)]


def test_import_is_bulk_and_idempotent(engine, tmp_path):
    path = csv_file(tmp_path, "h.csv", daily(date(2026, 1, 1), 50, lambda d: "9.90"))
    first = import_history(engine, path, listing_id=1)
    again = import_history(engine, path, listing_id=1)
    assert first.inserted == {1: 50} and first.skipped == 0
    assert again.inserted == {1: 0} and again.skipped == 50
    with session_scope(engine) as session:
        rows = session.exec(select(Observation).where(Observation.listing_id == 1)).all()
    assert len(rows) == 50 and {r.source for r in rows} == {"import"}


def test_import_by_series_name_and_errors(engine, tmp_path):
    path = tmp_path / "multi.csv"
    path.write_text(
        "series,date,price,currency\n2,2026-01-01,5,CNY\nhttps://jd.test/1,2026-01-01,6,CNY\n"
    )
    assert import_history(engine, path).inserted == {2: 1, 1: 1}
    with pytest.raises(HistoryImportError, match="--listing takes one"):
        import_history(engine, path, listing_id=1)
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("series,date,price\nsku-404,2026-01-01,5\n")
    with pytest.raises(HistoryImportError, match="matches no tracked listing"):
        import_history(engine, unknown)
    with pytest.raises(NotFoundError):
        import_history(
            engine, csv_file(tmp_path, "x.csv", [(date(2026, 1, 1), "1")]), listing_id=99
        )


def test_new_listing_borrows_comparables_and_is_stored(engine, tmp_path):
    # listing 1: two years on JD where every Double 11 cut the price by 30%
    def old_price(day):
        return "70.00" if (day.month, day.day) == (11, 11) else "100.00"

    import_history(
        engine, csv_file(tmp_path, "old.csv", daily(date(2024, 9, 1), 780, old_price)), 1
    )
    # listing 2: added a week before the sale
    import_history(
        engine, csv_file(tmp_path, "new.csv", daily(date(2026, 10, 27), 7, lambda d: "50.00")), 2
    )
    result, fake = forecast_listing(engine, 2, "11.11", load_calendar(), date(2026, 11, 2))
    assert result.method == "fallback"
    assert result.prob_drop > 0.5 and result.advice == "wait"
    assert fake is None
    with session_scope(engine) as session:
        record = session.exec(select(ForecastRecord).where(ForecastRecord.listing_id == 2)).one()
    assert record.event_key == "double11-2026" and record.point == result.point
    fingerprint, _, as_of = record.inputs_hash.partition("@")
    assert len(fingerprint) == 32 and as_of == result.as_of.isoformat()


def test_refresh_skips_unchanged_inputs(engine, tmp_path):
    # listing 2 has two years of history; listing 1 is new and borrows its sale outcomes
    def old_price(day):
        return "70.00" if (day.month, day.day) == (11, 11) else "100.00"

    old = csv_file(tmp_path, "old.csv", daily(date(2024, 10, 1), 750, old_price))
    new = csv_file(tmp_path, "new.csv", daily(date(2026, 10, 20), 10, lambda d: "12.00"))
    import_history(engine, old, 2)
    import_history(engine, new, 1)
    calendar = load_calendar()
    first = refresh_forecasts(engine, calendar, date(2026, 10, 30), workers=1)
    second = refresh_forecasts(engine, calendar, date(2026, 10, 30), workers=1)
    assert first.made == 4 and first.skipped == 0 and not first.failed  # 11.11 and 12.12
    assert second.made == 0 and second.skipped == 4
    with session_scope(engine) as session:
        methods = {r.listing_id: r.method for r in session.exec(select(ForecastRecord))}
    assert methods == {1: "fallback", 2: "model"}


def stored_keys(engine):
    with session_scope(engine) as session:
        return {
            (r.listing_id, r.event_key): r.inputs_hash for r in session.exec(select(ForecastRecord))
        }


def test_nightly_refits_only_listings_whose_evidence_changed(engine, tmp_path):
    def sale_cut(regular, cut):
        return lambda day: cut if (day.month, day.day) in ((11, 11), (6, 18)) else regular

    start, last = date(2024, 10, 1), date(2026, 10, 20)
    days = (last - start).days + 1
    import_history(
        engine, csv_file(tmp_path, "a.csv", daily(start, days, sale_cut("100.00", "80.00"))), 1
    )
    import_history(
        engine, csv_file(tmp_path, "b.csv", daily(start, days, sale_cut("50.00", "45.00"))), 2
    )
    calendar = load_calendar()
    first = refresh_forecasts(engine, calendar, last, workers=1)
    assert first.made == 4 and first.skipped == 0 and not first.failed
    before = stored_keys(engine)

    # one more day at the same price on both listings: nothing is refit
    more = last + timedelta(days=1)
    import_history(engine, csv_file(tmp_path, "a1.csv", [(more, "100.00")]), 1)
    import_history(engine, csv_file(tmp_path, "b1.csv", [(more, "50.00")]), 2)
    second = refresh_forecasts(engine, calendar, more, workers=1)
    assert (second.made, second.skipped) == (0, 4)
    assert stored_keys(engine) == before

    # a new price level on listing 2 only: its two forecasts are refit, listing 1's kept
    step = more + timedelta(days=1)
    import_history(engine, csv_file(tmp_path, "a2.csv", [(step, "100.00")]), 1)
    import_history(engine, csv_file(tmp_path, "b2.csv", [(step, "55.00")]), 2)
    third = refresh_forecasts(engine, calendar, step, workers=1)
    assert (third.made, third.skipped) == (2, 2)
    after = stored_keys(engine)
    assert set(after) == set(before)
    assert {k for k in after if after[k] != before[k]} == {k for k in after if k[0] == 2}
    assert all(after[k].endswith(step.isoformat()) for k in after if k[0] == 2)


def test_unknown_listing(engine):
    with pytest.raises(NotFoundError, match="no listing with id 42"):
        forecast_listing(engine, 42, "11.11", load_calendar(), date(2026, 11, 1))
