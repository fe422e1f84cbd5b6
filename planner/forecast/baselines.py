"""The simple forecasts a sale-day forecaster must beat, on the same cuts.

- `last_price`: the sale-day price is today's price (hard to beat on step-shaped prices);
- `last_year_discount`: the same sale's ratio a year earlier, applied to today's price;
- `min_90_days`: the lowest price of the last 90 days;
- `ets`: statsforecast's AutoETS on the daily price (a development dependency, imported
  lazily; `ets_available()` says whether it can run).

Each returns a `Prediction`; the ones with no notion of uncertainty have no interval and
a 0/1 drop probability implied by their point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import NormalDist

from planner.forecast.calendar import Occurrence
from planner.forecast.history import PriceSeries
from planner.forecast.outcomes import DROP_RATIO

ETS_FIT_DAYS = 365
_Z80 = NormalDist().inv_cdf(0.9)


@dataclass(frozen=True)
class Prediction:
    """A method's numbers for one backtest case, as floats (metrics only, never money)."""

    point: float
    lower: float | None = None
    upper: float | None = None
    prob_drop: float | None = None
    wait: bool = False


def point_only(point: float, last: float) -> Prediction:
    """A prediction without uncertainty: advise waiting when the point is a real drop."""
    drop = point < DROP_RATIO * last
    return Prediction(point, prob_drop=1.0 if drop else 0.0, wait=drop)


def last_price(series: PriceSeries) -> Prediction:
    last = float(series.last_price)
    return point_only(last, last)


def min_90_days(series: PriceSeries) -> Prediction:
    cut = series.last_day
    low = min(series.between(cut - timedelta(days=89), cut))
    return point_only(float(low), float(series.last_price))


def last_year_discount(
    series: PriceSeries, target: Occurrence, past: list[Occurrence]
) -> Prediction:
    """Apply the ratio the same kind of sale showed about a year before."""
    last = float(series.last_price)
    horizon = (target.day - series.last_day).days
    window_start, window_end = target.day - timedelta(days=400), target.day - timedelta(days=300)
    same = [o for o in past if o.family == target.family and window_start <= o.day <= window_end]
    for occ in sorted(same, key=lambda o: o.day, reverse=True):
        after = series.price_on(occ.day, stale_days=1)
        before = series.price_on(occ.day - timedelta(days=horizon))
        if after is not None and before is not None:
            return point_only(last * float(after / before), last)
    return point_only(last, last)


def ets_available() -> bool:
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return False
    return True


def ets(series: PriceSeries, target_day: date) -> Prediction:
    """AutoETS on the last year of forward-filled daily prices, with its 80% interval."""
    import numpy as np
    from statsforecast.models import AutoETS

    cut = series.last_day
    start = max(series.first_day, cut - timedelta(days=ETS_FIT_DAYS - 1))
    values = []
    current = None
    day = start
    while day <= cut:
        seen = series.price_on(day, stale_days=0)
        current = float(seen) if seen is not None else current
        if current is not None:
            values.append(current)
        day += timedelta(days=1)
    horizon = (target_day - cut).days
    last = float(series.last_price)
    if len(values) < 10:
        return point_only(last, last)
    fitted = AutoETS(season_length=1).forecast(y=np.array(values), h=horizon, level=[80])
    point = float(fitted["mean"][-1])
    lower, upper = float(fitted["lo-80"][-1]), float(fitted["hi-80"][-1])
    sd = max((upper - lower) / (2 * _Z80), 1e-9)
    prob = NormalDist(point, sd).cdf(DROP_RATIO * last)
    if not all(math.isfinite(v) for v in (point, lower, upper)):
        return point_only(last, last)
    return Prediction(point, lower, upper, prob, wait=prob >= 0.5)
