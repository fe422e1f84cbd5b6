"""Turns at a host shared with other processes: no request leaves before or after its turn.

Several `daoshou run` processes (several machines) share one store, and each shop host
has one politeness budget among them: request turns `min_delay + 2 x window` apart, handed
out by the store (`tracker.checks.turns`). A turn held by one process and the next turn,
held by another, keep the host's delay between the two requests only if each request is
sent inside its turn's window: a request that starts late (a loaded machine, a busy
connection slot, a slow read of the store before it) would land next to the following
turn. So the fetcher waits for its turn's start, and checks the clock once more at the
last moment before the request's first byte is written (httpcore's `trace` hook at
`send_request_headers.started`, after any connection set-up): past the turn's end, the
request is not sent at all (`MissedTurn`) and takes a new turn. Two requests from any
processes are then at least the delay apart, whatever happened before either.

The clock is the wall clock (`time.time()`): turns come from the shared store, and the
machines keep their clocks together with NTP (docs/storage.md).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["MissedTurn", "Turn", "Turns", "deadline_trace", "turn_spacing"]


@dataclass(frozen=True)
class Turn:
    """When one request to a host may be sent: from `start` to `end` (epoch seconds)."""

    start: float
    end: float


class Turns(Protocol):
    """Where a fetcher takes its turns at a host (None: the host has no shared budget)."""

    async def take(self, host: str) -> Turn | None: ...


class MissedTurn(Exception):
    """A request was about to be sent after its turn ended: it was not sent."""


def turn_spacing(delay: float, window: float) -> float:
    """Seconds between two turns at a host: its delay plus two windows. A request sent at
    its window's very end is still `delay + window` before the next turn: that window is
    the margin for what follows the last check of the clock (the write itself, a busy
    machine descheduling the process, the network, the shop's own clock)."""
    return delay + 2 * window


def deadline_trace(turn: Turn) -> Callable[[str, dict[str, Any]], Awaitable[None]]:
    """An httpcore `trace` callback refusing to write a request past `turn.end`."""

    async def trace(event: str, info: dict[str, Any]) -> None:
        if event.endswith("send_request_headers.started") and time.time() > turn.end:
            raise MissedTurn(f"{time.time() - turn.end:.3f} s past the turn's end")

    return trace
