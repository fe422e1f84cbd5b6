"""What one check did, as its callers report it (`daoshou check`, the service's log, the
app's "check now"): the fetch status, the stored observation and a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.fetch.result import FetchResult
from tracker.store.views import ObservationView

SKIPPED = "skipped"  # this Checker is checking the listing already
LEASED = "leased"  # another checker, usually another process, is checking it
SIGNED_OUT = "signed_out"  # the platform's signed-in session failed earlier: not fetched
CHECK_ERROR = "check_error"  # the check itself failed unexpectedly (stored as an attempt)
_MAX_REASON = 300


def one_line_reason(exc: BaseException) -> str:
    """An exception as one short line: a DaoshouError's own words, else type and message."""
    one_line = getattr(exc, "one_line", None)
    text = one_line() if callable(one_line) else f"{type(exc).__name__}: {exc}"
    return " ".join(str(text).split())[:_MAX_REASON]


@dataclass(frozen=True)
class CheckOutcome:
    """What one check did: the fetch status, the stored observation, a one-line summary."""

    listing_id: int
    fetch: str  # a FetchAttempt status, SKIPPED, LEASED or SIGNED_OUT
    observation: ObservationView | None
    summary: str
    #: Why nothing was stored, in the fetcher's or the exception's own words (the app and
    #: the command line word the rest of the outcome in their language around it).
    detail: str = ""

    @classmethod
    def of(
        cls, listing_id: int, result: FetchResult, observation: ObservationView | None
    ) -> CheckOutcome:
        """The outcome of a check that fetched: what it stored, summed up in one line."""
        detail = result.error or (f"HTTP {result.status}" if result.status else "")
        summary = _summary(result, observation, detail)
        return cls(listing_id, result.outcome.value, observation, summary, detail)


def _summary(result: FetchResult, observation: ObservationView | None, detail: str) -> str:
    if observation is None:
        return f"fetch failed ({result.outcome.value}{': ' + detail if detail else ''})"
    if observation.price is None:
        return f"no price ({observation.reason})"
    prefix = "from " if observation.is_from_price else ""
    unchanged = " (not modified)" if result.not_modified else ""
    return f"{prefix}{observation.price} {observation.currency or ''}".rstrip() + unchanged
