"""How daoshou stays a polite visitor: concurrency limits, per-host spacing and backing off.

A shop sees one daoshou as one careful customer: never more than a few requests in flight
to it, request starts spaced by a minimum delay (or the shop's own `Crawl-delay`), and
when it says 429/503 or the connection fails, a pause that grows exponentially with
jitter, or exactly as long as its `Retry-After` asks. The pause is recorded against the
host, not the request, so every other request to that shop waits too.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["HostGate", "backoff_delay", "parse_retry_after"]


@dataclass
class _Host:
    slots: asyncio.Semaphore
    delay: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0


class HostGate:
    """Global and per-host concurrency plus a minimum delay between request starts per host.

    The per-host slot and the host's spacing come before the global slot, so requests
    queued behind a slow or rate-limited shop never hold global slots the other shops
    could use.
    """

    def __init__(
        self,
        max_concurrency: int,
        per_host_concurrency: int,
        per_host_delay: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._global = asyncio.Semaphore(max_concurrency)
        self._per_host = per_host_concurrency
        self._delay = per_host_delay
        self._clock = clock
        self._hosts: dict[str, _Host] = {}

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = _Host(slots=asyncio.Semaphore(self._per_host), delay=self._delay)
            self._hosts[host] = state
        return state

    @asynccontextmanager
    async def slot(self, host: str, *, in_turn: bool = False) -> AsyncIterator[None]:
        """Hold a request slot for `host`, entered no sooner than the host's next start.

        The spacing wait happens before a global slot is taken, so requests waiting out a
        host's delay never keep other shops' requests from starting. A request `in_turn`
        (at its turn of a host shared with other processes, `tracker.fetch.turns`) takes
        no global slot: a turn missed for want of one is lost to every process, and the
        service that hands out turns bounds its requests in flight by the checks it
        keeps under way (twice `max_concurrency`, one request at a time each).
        """
        state = self._host(host)
        async with state.slots:
            async with state.lock:
                wait = state.next_start - self._clock()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not in_turn:
                    await self._global.acquire()
                state.next_start = self._clock() + state.delay
            try:
                yield
            finally:
                if not in_turn:
                    self._global.release()

    def defer(self, host: str, seconds: float) -> None:
        """Start no request to `host` for `seconds` (a Retry-After or a backoff pause)."""
        state = self._host(host)
        state.next_start = max(state.next_start, self._clock() + seconds)

    def slow_down(self, host: str, delay: float) -> None:
        """Raise the minimum delay between starts for `host` (its robots.txt Crawl-delay)."""
        state = self._host(host)
        state.delay = max(state.delay, delay)

    def wait_for(self, host: str) -> float:
        """Seconds until a request to `host` may start (0 when it may start now)."""
        state = self._hosts.get(host)
        return max(0.0, state.next_start - self._clock()) if state else 0.0


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """The pause before retry number `attempt + 1`: exponential, capped, with equal jitter.

    Half the exponential step is always waited and the other half is random, so retries
    from many listings spread out instead of arriving together, yet never come at once.
    """
    step = min(cap, base * 2.0**attempt)
    return step / 2 + rng.uniform(0, step / 2)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
