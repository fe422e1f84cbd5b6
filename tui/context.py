"""What every screen needs from the app, handed down at construction ("attributes down").

One frozen value instead of screens reaching into `self.app`: screens stay testable and
the app's wiring stays in one place.

The store is given either as an open engine or as the URL of a SQLite store already at
the current schema: then the engine (and with it SQLAlchemy, SQLModel and the table
models, about half a second of CPU) is opened on first use, in a worker after the
watchlist's first paint, which reads the store through sqlite3 alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

    from tracker.store.repository import Repository


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AppContext:
    """The store, the clock and where the app runs."""

    store: sa.Engine | str  # an open engine, or the URL of a store to open on first use
    clock: Callable[[], datetime] = _utcnow  # fixed in tests and snapshots
    demo_home: Path | None = None  # set when running `daoshou demo`
    cart_path: Path | None = None  # the cart file the Planner opens
    poll_seconds: float = 2.0  # how often to look for observations written elsewhere
    run_scheduler: bool = False  # check listings on their interval inside the app
    auto_forecast: bool = True  # forecast listings that have no stored forecast yet
    forecast_on_start: bool = False  # forecast every listing when the app opens (the demo)
    plan_seconds: float = 5.0  # the optimiser's time limit per plan

    @property
    def engine(self) -> sa.Engine:
        """The store's migrated engine (opened once per process, on first use)."""
        if isinstance(self.store, str):
            from tracker.store.db import open_engine

            return open_engine(self.store)  # cached per URL, under a lock
        return self.store

    @property
    def url(self) -> str:
        """The store's URL (with its password: it is handed to a child process, never
        shown), known without opening the store."""
        if isinstance(self.store, str):
            return self.store
        return self.store.url.render_as_string(hide_password=False)

    @property
    def shown_url(self) -> str:
        """The store's URL as shown to the user: any password masked. (A URL given as text
        is a SQLite file's: it has none.)"""
        if isinstance(self.store, str):
            return self.store
        return self.store.url.render_as_string(hide_password=True)

    @property
    def repository(self) -> Repository:
        """The tracker's store use-cases, on the store's engine."""
        from tracker.store.repository import Repository

        return Repository(self.engine)

    def now(self) -> datetime:
        """The current time (UTC), from the context's clock."""
        return self.clock()
