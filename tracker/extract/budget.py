"""A CPU budget per page: extraction that runs past it is abandoned as "page too complex".

The complexity pre-scan (`complexity`) keeps lexbor's tree building, which runs in C out
of reach of any timer, linear and small. What remains is our own Python: walks over the
tree, JSON-LD, candidates. Each of those loops calls `spend()`, which compares the
thread's CPU clock with the deadline set by `budget()` and raises `OverBudget` past it,
so the work really stops (no thread is left running in the background) and the page is
"no price (page too complex)". Between two checks Python runs its signal handlers, so
Ctrl-C and SIGTERM are never held up by a page.

The clock is the thread's CPU time, not the wall: a machine under load, or a check
waiting its turn, does not make an honest page "too complex"; several checks extracting
in threads each have their own budget.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["CPU_SECONDS", "OverBudget", "budget", "spend"]

CPU_SECONDS = 2.0
"""CPU seconds one page may take; an honest page takes a few milliseconds."""

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("extract_deadline", default=None)
"""(thread CPU time at which to stop, the budget in seconds) of the page being read."""


class OverBudget(Exception):
    """The page took more CPU than its budget (internal: `extract_page` catches it)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"page too complex: extraction took more than {seconds:g} s of CPU")


@contextmanager
def budget(seconds: float = CPU_SECONDS) -> Iterator[None]:
    """Run the body under a CPU deadline of `seconds` (nested budgets keep the earlier)."""
    mine = (time.thread_time() + seconds, seconds)
    outer = _DEADLINE.get()
    token = _DEADLINE.set(mine if outer is None else min(outer, mine))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def spend() -> None:
    """Raise `OverBudget` when the current page's CPU deadline has passed."""
    current = _DEADLINE.get()
    if current is not None and time.thread_time() > current[0]:
        raise OverBudget(current[1])
