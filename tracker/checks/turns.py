"""A service's turns at shop hosts, from the store's shared per-host budget.

The dispatcher takes each claim's turns with the claim (`dispatch.claim_due`) and hands
them here; a request takes the earliest turn at its host that has not ended yet. A
request no handed turn covers (a redirect, a retry, the re-fetch confirming a price, a
handed turn missed because the machine was busy) reserves a turn of its own
(`dispatch.reserve_turn`, one short write transaction). Handed turns nobody used (a
check skipped, a robots.txt already read) simply end: the host sees fewer requests,
never more. The fetcher waits for a turn's start and sends nothing after its end
(`tracker.fetch.turns`).
"""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from tracker.checks import dispatch
from tracker.fetch.turns import Turn, turn_spacing
from tracker.settings import Settings


def shared_turns(engine: Engine, settings: Settings) -> StoreTurns | None:
    """Turns for a fetcher on the store at `engine`: only where several services check one
    store (PostgreSQL); on SQLite one service checks, and a fetcher's own gate spaces its
    requests."""
    if engine.dialect.name != "postgresql":
        return None
    return StoreTurns(engine, settings.min_delay_for, settings.turn_window_seconds)


class StoreTurns:
    """Turns at hosts for one process's fetcher (`tracker.fetch.turns.Turns`)."""

    def __init__(self, engine: Engine, delay_for: Callable[[str], float], window: float) -> None:
        self._engine = engine
        self._delay_for = delay_for
        self.window = window
        self._handed: dict[str, list[float]] = {}  # host -> turn starts, epoch seconds

    def hand(self, host: str, starts: Iterable[datetime]) -> None:
        """Turns the dispatcher took at `host` with its claims."""
        queue = self._handed.setdefault(host, [])
        for start in starts:
            bisect.insort(queue, start.timestamp())

    async def take(self, host: str) -> Turn | None:
        """The next turn at `host` (None: a host without a delay needs no turns)."""
        delay = self._delay_for(host.rpartition(":")[0])
        if delay <= 0:
            return None
        queue = self._handed.get(host, [])
        now = time.time()
        while queue and queue[0] + self.window < now:
            queue.pop(0)  # ended unused
        if queue:
            start = queue.pop(0)
        else:
            spacing = timedelta(seconds=turn_spacing(delay, self.window))
            reserved = await asyncio.to_thread(dispatch.reserve_turn, self._engine, host, spacing)
            start = reserved.timestamp()
        if not queue:
            self._handed.pop(host, None)
        return Turn(start, start + self.window)
