"""The sanity rule for a new price: a move too large to believe without a second look.

A price more than half away from the last recorded one (or in another currency) is more
often a misread page (a bundle price, a deposit, a placeholder) than a real change, so the
check fetches the page again before storing it (`tracker.checks.check`).
"""

from __future__ import annotations

from decimal import Decimal

from tracker.store.views import NewObservation, ObservationView

__all__ = ["PLAUSIBLE_CHANGE", "plausible"]

#: A price that moves by more than this fraction of the last one must be confirmed.
PLAUSIBLE_CHANGE = Decimal("0.5")


def plausible(baseline: ObservationView, observation: NewObservation) -> bool:
    """Whether a new price is close enough to the last one to be stored without a re-fetch."""
    if baseline.price is None or observation.price is None:
        return True
    if baseline.currency != observation.currency:
        return False
    if baseline.price == 0:
        return observation.price == 0
    return abs(observation.price - baseline.price) <= PLAUSIBLE_CHANGE * baseline.price
