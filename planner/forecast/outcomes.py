"""What sale days did to prices before: the evidence every forecast is built from.

A sale-day forecast is a statement about a ratio: price on the sale day / price today.
This module collects that ratio, at the same horizon, for every earlier sale the history
covers (the same kind of sale counts fully, other sales on the platform count partly,
older sales count less), and turns a weighted set of such outcomes into a smooth
predictive distribution with quantiles and probabilities. Working in ratios is what
keeps the forecast a step on top of the last price instead of a wavy line.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from statistics import NormalDist

from planner.forecast.calendar import Occurrence
from planner.forecast.history import PriceSeries
from planner.shipped import shipped_file

SAME_FAMILY_WEIGHT = 1.0
OTHER_EVENT_WEIGHT = 0.35
HALF_LIFE_DAYS = 730.0
EVENT_DAY_STALE_DAYS = 1  # the sale-day price must really be seen on (or the day before) it
DROP_RATIO = 0.98  # "a drop" means more than 2% below today's price
RISE_RATIO = 1.02


@dataclass(frozen=True)
class Outcome:
    """One earlier sale's log price ratio (sale day / `horizon` days before), weighted."""

    log_ratio: float
    weight: float
    label: str


def past_outcomes(
    series: PriceSeries, target: Occurrence, horizon: int, calendar_days: Sequence[Occurrence]
) -> list[Outcome]:
    """The outcomes of the sales in `calendar_days` the history (up to its end) has seen."""
    cut = series.last_day
    found: list[Outcome] = []
    for occ in calendar_days:
        if occ.day > cut or occ.day == target.day:
            continue
        ratio = _ratio(series, occ.day, horizon)
        if ratio is None:
            continue
        same = occ.family == target.family
        weight = (SAME_FAMILY_WEIGHT if same else OTHER_EVENT_WEIGHT) * _recency(cut, occ.day)
        found.append(Outcome(math.log(ratio), weight, occ.key))
    if target.family == "day":
        found.extend(_same_day_earlier_years(series, target.day, horizon))
    return found


def _ratio(series: PriceSeries, day: date, horizon: int) -> float | None:
    after = series.price_on(day, stale_days=EVENT_DAY_STALE_DAYS)
    before = series.price_on(day - timedelta(days=horizon))
    if after is None or before is None:
        return None
    return float(after / before)


def _recency(cut: date, day: date) -> float:
    return 0.5 ** ((cut - day).days / HALF_LIFE_DAYS)


def _same_day_earlier_years(series: PriceSeries, day: date, horizon: int) -> list[Outcome]:
    """For a day the calendar does not know, the same date in earlier years is the evidence."""
    found = []
    for back in range(1, 12):
        try:
            earlier = day.replace(year=day.year - back)
        except ValueError:
            continue
        if earlier < series.first_day or earlier > series.last_day:
            continue
        ratio = _ratio(series, earlier, horizon)
        if ratio is not None:
            weight = SAME_FAMILY_WEIGHT * _recency(series.last_day, earlier)
            found.append(Outcome(math.log(ratio), weight, earlier.isoformat()))
    return found


@cache
def prior_outcomes(platform: str | None) -> tuple[tuple[float, float], ...]:
    """The shipped prior for a platform as (log ratio, share) pairs summing to one."""
    data = tomllib.loads(shipped_file("forecast_prior.toml").read_text(encoding="utf-8"))
    table = data.get((platform or "").lower()) or data["default"]
    pairs = [(math.log(float(r)), float(w)) for r, w in table["outcomes"]]
    total = sum(w for _, w in pairs)
    return tuple((lr, w / total) for lr, w in pairs)


def scaled(pairs: Sequence[tuple[float, float]], total: float, label: str) -> list[Outcome]:
    """(log ratio, share) pairs as outcomes carrying `total` weight together."""
    return [Outcome(lr, share * total, label) for lr, share in pairs]


@dataclass(frozen=True)
class Mixture:
    """A smooth predictive distribution of the log ratio: outcomes blurred by `spread`."""

    outcomes: tuple[Outcome, ...]
    spread: float

    @property
    def total_weight(self) -> float:
        return sum(o.weight for o in self.outcomes)

    def cdf(self, log_ratio: float) -> float:
        total = self.total_weight
        return (
            sum(
                o.weight * NormalDist(o.log_ratio, self.spread).cdf(log_ratio)
                for o in self.outcomes
            )
            / total
        )

    def quantile(self, q: float) -> float:
        """Inverse of `cdf` by bisection (the cdf is smooth and increasing)."""
        lo = min(o.log_ratio for o in self.outcomes) - 6 * self.spread
        hi = max(o.log_ratio for o in self.outcomes) + 6 * self.spread
        for _ in range(60):
            mid = (lo + hi) / 2
            if self.cdf(mid) < q:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    def mean_ratio(self) -> float:
        """E[price ratio] (not of the log): the expected price, for the expected saving."""
        boost = math.exp(self.spread**2 / 2)
        return (
            sum(o.weight * math.exp(o.log_ratio) for o in self.outcomes) * boost / self.total_weight
        )
