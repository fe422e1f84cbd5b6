"""What every screen needs from the app, handed down at construction ("attributes down").

One frozen value instead of screens reaching into `self.app`: screens stay testable and
the app's wiring stays in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from tracker.store.repository import Repository


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AppContext:
    """The store, the clock and where the app runs."""

    engine: sa.Engine
    clock: Callable[[], datetime] = _utcnow  # fixed in tests and snapshots
    demo_home: Path | None = None  # set when running `daoshou demo`
    cart_path: Path | None = None  # the cart file the Planner opens
    poll_seconds: float = 2.0  # how often to look for observations written elsewhere
    run_scheduler: bool = False  # check listings on their interval inside the app
    auto_forecast: bool = True  # forecast listings that have no stored forecast yet
    forecast_on_start: bool = False  # forecast every listing when the app opens (the demo)
    plan_seconds: float = 5.0  # the optimiser's time limit per plan
    repository: Repository = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "repository", Repository(self.engine))

    def now(self) -> datetime:
        """The current time (UTC), from the context's clock."""
        return self.clock()
