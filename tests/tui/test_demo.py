"""`daoshou demo` end to end: a fresh home, the loopback shop, the in-app scheduler really
fetching the demo pages, and the watchlist showing what it recorded."""

import asyncio
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa

from tracker.queries.watchlist import latest_observation_id
from tracker.store.tables import Observation
from tui.app import DaoshouApp
from tui.context import AppContext
from tui.demo.session import start_demo
from tui.widgets.watch_table import WatchTable

CHECK_DEADLINE_SECONDS = 60  # a bound on waiting, not a measured expectation


async def test_the_demo_starts_fetches_and_shows_the_watchlist(home):
    session = start_demo(datetime.now(UTC), home=home, days=60, move_every=0.5)
    try:
        seeded = latest_observation_id(session.engine)
        page = httpx.get(session.seeded.listings[0].url, timeout=10)
        assert page.status_code == 200 and "application/ld+json" in page.text
        context = AppContext(
            session.engine,
            demo_home=home,
            run_scheduler=True,
            poll_seconds=0.2,
            auto_forecast=False,
        )
        app = DaoshouApp(context)
        async with app.run_test(size=(160, 40)) as pilot:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + CHECK_DEADLINE_SECONDS
            while latest_observation_id(session.engine) <= seeded and loop.time() < deadline:
                await pilot.pause(0.2)
            assert latest_observation_id(session.engine) > seeded, "the scheduler fetched nothing"
            await pilot.pause(0.5)  # let the poll notice and the watchlist reload
            table = app.screen.query_one(WatchTable)
            assert table.row_count == 20
            errors = [n.message for n in app._notifications if n.severity == "error"]
            assert not errors
        with session.engine.connect() as conn:
            fetched = (
                conn.execute(
                    sa.select(Observation.__table__.c.source).where(
                        Observation.__table__.c.id > seeded
                    )
                )
                .scalars()
                .all()
            )
        assert fetched and "demo" not in fetched  # extracted from the shop's pages
    finally:
        session.close()
    assert str(home) in str(session.engine.url)  # never the user's database


def test_the_sold_out_product_stays_sold_out_on_its_first_live_check(home):
    from tracker.checks.check import check_listings
    from tracker.store.repository import Repository

    session = start_demo(datetime.now(UTC), home=home, days=60, move_every=3600)
    try:
        sold_out = [s for s in session.seeded.listings if s.product.behaviour == "out_of_stock"]
        assert sold_out and not any(s.in_stock for s in sold_out)
        repository = Repository(session.engine)
        views = repository.list_listings([s.listing_id for s in sold_out])
        outcomes = asyncio.run(check_listings(repository, views))
        stocks = [o.observation.in_stock for o in outcomes if o.observation is not None]
        assert len(stocks) == len(sold_out) and not any(stocks)
    finally:
        session.close()


def test_only_the_newest_demo_homes_are_kept(tmp_path, monkeypatch):
    import os

    from tui.demo.session import KEEP_DEMO_HOMES, new_demo_home

    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    made = []
    for n in range(4):
        made.append(new_demo_home())
        os.utime(made[-1], (n * 1000, n * 1000))  # a clear order, whatever the file system
    kept = sorted(p for p in made if p.exists())
    assert kept == sorted(made[-KEEP_DEMO_HOMES:])


def test_a_running_demos_home_is_never_pruned(tmp_path, monkeypatch):
    """Demos in two terminals: starting more demos prunes old homes, but not the one a
    running demo still uses; once it ends, its home goes like any other."""
    import os

    from tui.demo.session import KEEP_DEMO_HOMES, new_demo_home

    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    running = start_demo(datetime.now(UTC), serve=False, days=30)
    try:
        os.utime(running.home, (0, 0))  # the oldest, whatever the file system's resolution
        monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
        for _ in range(KEEP_DEMO_HOMES + 1):
            newer = new_demo_home()
        assert (running.home / "data" / "daoshou.sqlite").exists()
        assert newer.exists()
    finally:
        running.close()
        running.engine.dispose()
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    new_demo_home()
    assert not running.home.exists()
