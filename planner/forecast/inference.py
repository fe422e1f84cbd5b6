"""Which platform's sale calendar a history follows, when nobody said.

An imported history may carry no platform (a CSV series named "game-1"). Its sale days
are then read from the prices: the platform whose calendar sales coincide with drops
clearly more often than ordinary days do is taken as the history's platform. When no
calendar stands out the answer is None, and the forecaster uses every calendar and the
default prior, which is vaguer but not wrong.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

from planner.forecast.calendar import Calendar
from planner.forecast.history import PriceSeries
from planner.forecast.outcomes import DROP_RATIO

LOOKBACK = 7  # a drop: the sale-day price below the price a week before
MIN_SALES = 4  # sale days a calendar needs inside the history to be judged
MIN_LIFT = 0.15  # how much more often than ordinary days its sale days must drop
Z = 1.64  # one-sided 95% for the cautious drop rate


def infer_platform(series: PriceSeries, calendar: Calendar) -> str | None:
    """The platform whose sales best match the history's drops, or None."""
    if not series.days:
        return None
    counted = _drops(series, _every_day(series))
    base = counted[0] / counted[1] if counted else None
    best, best_rate = None, 0.0
    for platform in sorted(calendar.platforms()):
        days = [
            occ.day
            for occ in calendar.occurrences(platform, series.first_day, series.last_day)
            if occ.day - timedelta(days=LOOKBACK) >= series.first_day
        ]
        counted = _drops(series, days)
        if counted is None or counted[1] < MIN_SALES:
            continue
        rate = _wilson_lower(*counted)
        if rate > best_rate:
            best, best_rate = platform, rate
    if best is None or base is None or best_rate < base + MIN_LIFT:
        return None
    return best


def _wilson_lower(drops: int, seen: int) -> float:
    """A cautious drop rate: few sale days cannot outrank many consistent ones."""
    p = drops / seen
    centre = p + Z**2 / (2 * seen)
    margin = Z * math.sqrt(p * (1 - p) / seen + Z**2 / (4 * seen**2))
    return (centre - margin) / (1 + Z**2 / seen)


def _every_day(series: PriceSeries) -> list[date]:
    start = series.first_day + timedelta(days=LOOKBACK)
    return [start + timedelta(days=i) for i in range((series.last_day - start).days + 1)]


def _drops(series: PriceSeries, days: list[date]) -> tuple[int, int] | None:
    """(drops, days seen) over `days`, None when none of them was observed."""
    seen = drops = 0
    for day in days:
        after = series.price_on(day, stale_days=1)
        before = series.price_on(day - timedelta(days=LOOKBACK))
        if after is None or before is None:
            continue
        seen += 1
        drops += float(after) < float(before) * DROP_RATIO
    return (drops, seen) if seen else None
