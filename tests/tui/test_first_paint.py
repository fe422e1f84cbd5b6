"""A big watchlist opens from a cheap read: the app is handed a SQLite store at the current
schema by its URL, shows the first screenful in the order it opens in, then every row,
then the trends (the worker that opens the store through SQLAlchemy)."""

import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa

from tracker import locations
from tracker.store.bulk import FreshRows, fill_fresh_store
from tracker.store.db import open_engine
from tui.app import DaoshouApp
from tui.cli.terminal import store_for_app
from tui.context import AppContext
from tui.messages import TrendsLoaded, WatchlistLoaded
from tui.widgets.watch_table import FIRST_ROWS, WatchTable

PRODUCTS = FIRST_ROWS * 3 + 5


def _big_watchlist(engine: sa.Engine, now) -> None:
    """More products than three screenfuls, named so that id order is not name order."""
    fill_fresh_store(
        engine,
        FreshRows(
            products=[
                {"id": p, "name": f"item {(p * 37) % PRODUCTS:03d}", "unit": "piece",
                 "created_at": now, "archived": False}
                for p in range(1, PRODUCTS + 1)
            ],
            listings=[
                {"id": p, "product_id": p, "platform": "jd", "use_browser": False,
                 "url": f"https://item.jd.com/{p}.html", "active": True, "created_at": now}
                for p in range(1, PRODUCTS + 1)
            ],
            observations=[
                {"listing_id": p, "observed_at": now - timedelta(days=day),
                 "price": Decimal(100 + p + day), "currency": "CNY", "in_stock": True,
                 "is_from_price": False, "title": f"item {p}", "source": "test"}
                for p in range(1, PRODUCTS + 1)
                for day in (2, 1)
            ],
        ),
    )  # fmt: skip


async def test_the_first_screenful_comes_first_then_every_row_then_the_trends(home, now):
    _big_watchlist(open_engine(), now)
    store = store_for_app(locations.database_url())
    assert isinstance(store, str)  # at the current schema: the engine is opened later
    seen = []

    def hook(message):  # called again as a message bubbles up: each one counted once
        if isinstance(message, WatchlistLoaded | TrendsLoaded) and all(
            message is not known for known in seen
        ):
            seen.append(message)

    app = DaoshouApp(AppContext(store, clock=lambda: now, poll_seconds=0, auto_forecast=False))
    async with app.run_test(size=(160, 40), message_hook=hook) as pilot:
        for _ in range(100):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if any(isinstance(m, TrendsLoaded) for m in seen):
                break
        table = app.screen.query_one(WatchTable)
        for _ in range(20):
            if table.row_count == PRODUCTS:
                break
            await pilot.pause()
        head, full, trends = seen
        assert (len(head.rows), head.complete) == (FIRST_ROWS, False)
        assert (len(full.rows), full.complete) == (PRODUCTS, True)
        by_name = sorted(full.rows, key=lambda row: row.name.lower())
        assert sorted(head.rows, key=lambda row: row.name.lower()) == by_name[:FIRST_ROWS]
        assert table.row_count == PRODUCTS
        assert table.get_row_at(0)[0].plain == by_name[0].name
        assert len(trends.trends) == PRODUCTS
        status = app.screen.query_one("#watch-status").render()
        assert f"{PRODUCTS}/{PRODUCTS}" in str(status)


def test_a_store_due_a_migration_or_new_is_opened_before_the_app(home, tmp_path):
    """Only a SQLite store the app can read at once waits: any other is opened (and
    migrated, or its error reported) before the app starts, as before."""
    new = f"sqlite:///{tmp_path / 'new.sqlite'}"
    assert isinstance(store_for_app(new), sa.Engine)
    assert store_for_app(new) == new  # created and migrated: it can wait next time


def test_what_the_first_paint_needs_imports_no_sqlalchemy(home, now):
    """The modules the app and its watchlist load at start, the store handed over and the
    first screenful read, in a fresh process: SQLAlchemy and SQLModel (about half a
    second of CPU) wait for the worker that reads the trends."""
    _big_watchlist(open_engine(), now)
    code = (
        "import sys; from tui.cli import app; from tui.cli.terminal import store_for_app;"
        "import tui.app, tui.screens.watchlist;"
        "from tracker.queries.watchlist_sqlite import read_watchlist;"
        f"rows = read_watchlist(store_for_app({locations.database_url()!r}), {FIRST_ROWS});"
        "print(len(rows), [m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(FIRST_ROWS), "[]"]
