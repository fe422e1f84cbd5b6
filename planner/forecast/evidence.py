"""How much a listing's own sale days earn it: shrunk effects and a buy-or-wait decision.

On marketplace listings most sale days leave the price where it was, a few cut it 10-30%
and some raise it; "the price stays as it is" is very hard to beat. So every effect here
starts at "no change" and moves only as far as the evidence behind it allows:

- the point is the weighted median of the listing's own earlier sale-day outcomes (and,
  with less weight, comparable listings') plus `point_shrink` pseudo-sales of "no change":
  one dropped sale out of three does not move it, three out of four do;
- the drop (and rise) probability is the own weighted share, shrunk toward the platform's
  base rate from the shipped prior with `prob_shrink` pseudo-sales (a beta-binomial
  posterior mean), and the typical size of a drop or rise is shrunk the same way;
- "wait" is a decision with its risk: the expected saving (P(drop) x drop size) minus the
  expected loss (P(rise) x rise size) minus the cost of a sell-out must clear
  `wait_margin`, and a drop must be at least `min_prob_drop` likely (one deep cut long
  ago must not make every later sale day a "wait"); without any sale-day evidence of
  its own the answer is "no_pattern" (scored as buying at once), never a guess.

Every constant in `Tuning` is chosen by leave-one-series-out cross-validation on the
development histories (`bench/forecast_cv.py`; the table is in docs/forecasting.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planner.forecast.outcomes import DROP_RATIO, RISE_RATIO, Outcome

_LOG_DROP = math.log(DROP_RATIO)
_LOG_RISE = math.log(RISE_RATIO)
NO_CHANGE = "no change"


@dataclass(frozen=True)
class Tuning:
    """The forecaster's tuned constants (defaults: the cross-validated choice)."""

    point_shrink: float = 2.0  # pseudo-sales of "no change" in the point's median
    prob_shrink: float = 0.5  # pseudo-sales of the platform base rate in P(drop), P(rise)
    wait_margin: float = 0.05  # net expected saving (share of price) a wait must clear
    sellout_cost: float = 0.005  # expected cost of a sell-out while waiting (share of price)
    reversion_shrink: float = 0.001  # pseudo-evidence against "a raised price comes back"
    min_own_weight: float = 1.0  # own sale-day weight below which there is no pattern
    min_prob_drop: float = 0.0  # a wait needs a drop this likely, whatever its size


DEFAULT_TUNING = Tuning()


@dataclass(frozen=True)
class Decision:
    """The shrunk effects of one forecast and the advice they lead to."""

    point_log_ratio: float
    point_basis: str  # own | comparable | none: which evidence moved the point
    prob_drop: float
    prob_rise: float
    drop_size: float  # expected fractional drop, given a drop
    rise_size: float  # expected fractional rise, given a rise
    net_saving: float  # expected saving of waiting, share of today's price, after risks
    advice: str  # buy | wait | no_pattern
    own_weight: float
    own_drops: int
    own_sales: int


def decide(
    own: Sequence[Outcome],
    comparables: Sequence[Outcome],
    prior: Sequence[tuple[float, float]],
    tuning: Tuning = DEFAULT_TUNING,
) -> Decision:
    """Shrink the own (and comparable) sale-day outcomes toward "no change" and decide.

    `own` are the listing's earlier sale-day outcomes (already re-centred on today's
    elevation), `comparables` other listings' outcomes carrying their total weight, and
    `prior` the platform's (log ratio, share) pairs, used only as the base rate the
    probabilities and sizes shrink toward.
    """
    evidence = [*own, *comparables]
    weight = sum(o.weight for o in evidence)
    point = _shrunk_median(evidence, tuning.point_shrink)
    basis = "none"
    if point != 0.0:
        own_point = _shrunk_median(own, tuning.point_shrink)
        basis = "own" if own_point != 0.0 else "comparable"
    base_drop, base_drop_size = _base_rate(prior, below=True)
    base_rise, base_rise_size = _base_rate(prior, below=False)
    drops = [o for o in evidence if o.log_ratio < _LOG_DROP]
    rises = [o for o in evidence if o.log_ratio > _LOG_RISE]
    k = tuning.prob_shrink
    prob_drop = (sum(o.weight for o in drops) + k * base_drop) / (weight + k)
    prob_rise = (sum(o.weight for o in rises) + k * base_rise) / (weight + k)
    drop_size = _shrunk_size(drops, base_drop_size, k * base_drop)
    rise_size = _shrunk_size(rises, base_rise_size, k * base_rise)
    net = prob_drop * drop_size - prob_rise * rise_size - tuning.sellout_cost
    if weight < tuning.min_own_weight - 1e-9:  # ten comparables at 0.1 make one, not 0.99…
        advice = "no_pattern"
    elif net > tuning.wait_margin and prob_drop >= tuning.min_prob_drop:
        advice = "wait"
    else:
        advice = "buy"
    return Decision(
        point_log_ratio=point,
        point_basis=basis,
        prob_drop=prob_drop,
        prob_rise=prob_rise,
        drop_size=drop_size,
        rise_size=rise_size,
        net_saving=net,
        advice=advice,
        own_weight=sum(o.weight for o in own),
        own_drops=sum(1 for o in own if o.log_ratio < _LOG_DROP),
        own_sales=len(own),
    )


def _shrunk_median(evidence: Sequence[Outcome], shrink: float) -> float:
    """The weighted median of the outcomes with `shrink` weight of "no change" added.

    The median (not the mean) because the last-price baseline is judged by absolute
    error, and a step price either moved or did not: a mean would predict a small drop
    on every listing that once had a sale.
    """
    pairs = sorted([(o.log_ratio, o.weight) for o in evidence] + [(0.0, shrink)])
    half = sum(w for _, w in pairs) / 2
    running = 0.0
    for log_ratio, weight in pairs:
        running += weight
        if running >= half:
            return log_ratio
    return 0.0


def _base_rate(prior: Sequence[tuple[float, float]], below: bool) -> tuple[float, float]:
    """The prior's share of drops (or rises) and their mean fractional size."""
    if below:
        picked = [(lr, w) for lr, w in prior if lr < _LOG_DROP]
    else:
        picked = [(lr, w) for lr, w in prior if lr > _LOG_RISE]
    share = sum(w for _, w in picked)
    if not share:
        return 0.0, 0.0
    size = sum(w * abs(math.exp(lr) - 1) for lr, w in picked) / share
    return share, size


def _shrunk_size(moves: Sequence[Outcome], base_size: float, base_weight: float) -> float:
    """The mean fractional size of the moves, shrunk toward the prior's typical size."""
    total = sum(o.weight for o in moves) + base_weight
    if not total:
        return 0.0
    own = sum(o.weight * abs(math.exp(o.log_ratio) - 1) for o in moves)
    return (own + base_weight * base_size) / total
