"""What sale days did to prices before: the evidence every forecast is built from.

A sale-day forecast is a statement about a ratio: price on the sale day / price today.
This module collects that ratio, at the same horizon, for every earlier sale the history
covers (the same kind of sale counts fully, other sales on the platform count partly,
older sales count less), and turns a weighted set of such outcomes into a smooth
predictive distribution with an interval and probabilities. Working in ratios is what
keeps the forecast a step on top of the last price instead of a wavy line.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from statistics import median

from planner.forecast.calendar import Occurrence
from planner.forecast.history import PriceSeries
from planner.shipped import shipped_file

SAME_FAMILY_WEIGHT = 1.0
OTHER_EVENT_WEIGHT = 0.35
HALF_LIFE_DAYS = 365.0
EVENT_DAY_STALE_DAYS = 1  # the sale-day price must really be seen on (or the day before) it
DROP_RATIO = 0.98  # "a drop" means more than 2% below today's price
RISE_RATIO = 1.02
LOOKBACK_DAYS = 90
_GRID_PER_SPREAD = 8


@dataclass(frozen=True)
class Outcome:
    """One earlier sale's log price ratio (sale day / `horizon` days before), weighted.

    `elevation` is log(normal price / price at the cut), where the normal price is the
    median of the 90 days before: 0 when the price stood at its normal level, negative
    when it had been raised above it (raises before a sale are common; see fakes.py).
    """

    log_ratio: float
    weight: float
    label: str
    elevation: float = 0.0
    family: str = ""
    recency: float = 1.0
    #: The sale as people name it, (Chinese, English), e.g. ("双十二 2025", "Double 12 2025");
    #: explanations show it instead of the calendar key (`label`, "double12-2025").
    names: tuple[str, str] | None = None


def past_outcomes(
    series: PriceSeries, target: Occurrence, horizon: int, calendar_days: Sequence[Occurrence]
) -> list[Outcome]:
    """The outcomes of the sales in `calendar_days` the history (up to its end) has seen."""
    if not series.days:
        return []
    cut = series.last_day
    found: list[Outcome] = []
    for occ in calendar_days:
        if occ.day > cut or occ.day == target.day:
            continue
        ratio = _ratio(series, occ.day, horizon)
        if ratio is None:
            continue
        same = occ.family == target.family
        recency = _recency(cut, occ.day)
        weight = (SAME_FAMILY_WEIGHT if same else OTHER_EVENT_WEIGHT) * recency
        elevation = elevation_at(series, occ.day - timedelta(days=horizon))
        names = (f"{occ.name_zh} {occ.day.year}", f"{occ.name_en} {occ.day.year}")
        found.append(
            Outcome(math.log(ratio), weight, occ.key, elevation, occ.family, recency, names)
        )
    if target.family == "day":
        found.extend(_same_day_earlier_years(series, target.day, horizon))
    return _relative_to_newest(found)


def _relative_to_newest(found: list[Outcome]) -> list[Outcome]:
    """Scale recency so the newest outcome counts fully.

    Recency ranks earlier sales against each other; it must not also shrink the whole
    history against the prior just because the last sale was a while ago.
    """
    if not found:
        return found
    newest = max(o.recency for o in found)
    return [replace(o, weight=o.weight / newest, recency=o.recency / newest) for o in found]


def elevation_at(series: PriceSeries, day: date) -> float:
    """log(median price of the 90 days up to `day` / price on `day`) when the price stands
    above that normal level, else 0 (also when unknown)."""
    now = series.price_on(day)
    recent = series.between(day - timedelta(days=LOOKBACK_DAYS - 1), day)
    if now is None or not recent:
        return 0.0
    return min(0.0, math.log(float(median(recent) / now)))


def reversion(outcomes: Sequence[Outcome], shrink: float) -> float:
    """How much of a raise above the normal price a sale takes back, from 0 to 1.

    Weighted least squares of log ratio on elevation through the origin, shrunk toward
    zero with `shrink` units of pseudo-evidence: a listing that stepped up to a new price
    level usually stays there, so "it will come back down" must be earned by its own
    earlier raised-then-cut sales (the 先涨后降 pattern), never assumed. A shrink toward
    one half predicted 5-10% drops after every permanent step up, and those listings then
    kept their new price.
    """
    num = sum(o.weight * o.elevation * o.log_ratio for o in outcomes)
    den = sum(o.weight * o.elevation**2 for o in outcomes) + shrink
    return min(1.0, max(0.0, num / den))


def _ratio(series: PriceSeries, day: date, horizon: int) -> float | None:
    after = series.price_on(day, stale_days=EVENT_DAY_STALE_DAYS)
    before = series.price_on(day - timedelta(days=horizon))
    if after is None or before is None:
        return None
    return float(after / before)


def _recency(cut: date, day: date) -> float:
    return math.pow(0.5, (cut - day).days / HALF_LIFE_DAYS)


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
            recency = _recency(series.last_day, earlier)
            weight = SAME_FAMILY_WEIGHT * recency
            elevation = elevation_at(series, earlier - timedelta(days=horizon))
            found.append(
                Outcome(math.log(ratio), weight, earlier.isoformat(), elevation, "day", recency)
            )
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

    def shortest_interval(self, mass: float) -> tuple[float, float]:
        """The shortest range of log ratios that holds `mass` of the blurred mixture.

        Not the equal-tailed one (the `(1-mass)/2` and `(1+mass)/2` quantiles): sale-day
        outcomes are bimodal, with an exact "unchanged" atom at one end and spread-out
        cuts at the other. An equal-tailed interval puts its upper end inside that atom,
        whose whole weight is then covered, so it holds about `(1+mass)/2` of what
        really happens (90% instead of 80%). The shortest interval leaves the excluded
        share where the outcomes are thin: in the scattered cuts, or past a cluster.

        Computed on a grid of `spread / 8` (a quarter of a percent for the model's spread,
        far below a price step), with the cdf from `erf`; the grid ends are 6 spreads past
        the outermost outcomes, so the whole mass lies inside it.
        """
        step = self.spread / _GRID_PER_SPREAD
        low = min(o.log_ratio for o in self.outcomes) - 6 * self.spread
        high = max(o.log_ratio for o in self.outcomes) + 6 * self.spread
        grid = [low + i * step for i in range(math.ceil((high - low) / step) + 1)]
        cdf = self._grid_cdf(grid)
        best = (grid[0], grid[-1])
        end = 0
        for start, below in enumerate(cdf):
            while end < len(grid) and cdf[end] - below < mass:
                end += 1
            if end == len(grid):
                break
            if grid[end] - grid[start] < best[1] - best[0]:
                best = (grid[start], grid[end])
        return best

    def _grid_cdf(self, grid: Sequence[float]) -> list[float]:
        """The cdf at every grid point (`erf` directly: thousands of points per forecast)."""
        total = self.total_weight
        scale = self.spread * math.sqrt(2.0)
        atoms = [(o.log_ratio, o.weight / total) for o in self.outcomes]
        return [sum(w * 0.5 * (1.0 + math.erf((x - mu) / scale)) for mu, w in atoms) for x in grid]

    def share_below(self, log_ratio: float) -> float:
        """The weighted share of outcomes below `log_ratio`, without the blur.

        Probabilities of "a drop over 2%" come from here: blurring a cluster of
        unchanged prices would leak a sixth of it past the 2% line.
        """
        below = sum(o.weight for o in self.outcomes if o.log_ratio < log_ratio)
        return below / self.total_weight

    def atom_median(self) -> float:
        """The weighted median of the outcomes themselves, without the blur.

        The point forecast: when most earlier sales left the price exactly where it was,
        this is exactly "no change", where the blurred median would drift off it.
        """
        half = self.total_weight / 2
        running = 0.0
        for outcome in sorted(self.outcomes, key=lambda o: o.log_ratio):
            running += outcome.weight
            if running >= half:
                return outcome.log_ratio
        return 0.0

    def mean_ratio(self) -> float:
        """E[price ratio] (not of the log): the expected price, for the expected saving."""
        boost = math.exp(self.spread**2 / 2)
        return (
            sum(o.weight * math.exp(o.log_ratio) for o in self.outcomes) * boost / self.total_weight
        )


def comparable_log_ratios(
    others: Sequence[PriceSeries],
    target: Occurrence,
    horizon: int,
    calendar_days: Sequence[Occurrence],
) -> list[float]:
    """What earlier sales of the target's family did to other listings' prices.

    The evidence for a listing too new to have its own: each other listing contributes
    the outcomes of the same kind of sale at the same horizon.
    """
    return [
        outcome.log_ratio
        for other in others
        for outcome in past_outcomes(other, target, horizon, calendar_days)
        if outcome.family == target.family
    ]
