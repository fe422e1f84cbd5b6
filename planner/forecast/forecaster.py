"""One listing, one coming sale: the expected price, an 80% interval, and buy-or-wait.

The forecast is a distribution of the ratio "sale-day price / today's price", built from
the outcomes of earlier sales in the listing's own history plus Prophet's estimate of the
event effect, with a shipped prior mixed in so a few lucky sales do not make it cocky.
Everything is then multiplied onto today's price. When the history is too short or has
never seen a sale, the forecast says so (`method = "fallback"`) and leans on comparable
listings or the shipped prior, with a deliberately wider spread. The 80% interval is the
shortest range holding 80% of the earlier outcomes and the prior (Prophet's estimate moves
the point, not the range; see `_spread_of_outcomes`).

The point and the advice come from `evidence.decide`: every effect starts at "no change"
and moves only as far as the listing's own sale days (or, with less weight, comparable
listings') earn it, and "wait" is a decision whose expected saving must beat the risk of a
rise and of a sell-out. Without sale-day evidence the advice is "no_pattern".
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

from planner.errors import ForecastError
from planner.forecast.calendar import Calendar, Occurrence
from planner.forecast.evidence import DEFAULT_TUNING, Decision, Tuning, decide
from planner.forecast.explain import explain
from planner.forecast.history import PriceSeries
from planner.forecast.model import event_effect
from planner.forecast.outcomes import (
    Mixture,
    Outcome,
    elevation_at,
    past_outcomes,
    prior_outcomes,
    reversion,
    scaled,
)

MODEL_VERSION = "evidence-shrunk-7"
MIN_HISTORY_DAYS = 60
MIN_OWN_WEIGHT = 1.0  # evidence needed from the listing's own sales for method "model"
PRIOR_WEIGHT = 1.5
COMPARABLE_WEIGHT = 3.0  # in the fallback's interval
COMPARABLE_EVIDENCE_WEIGHT = 1.0  # in the point and advice: all of them count as one own sale
PROPHET_LABEL = "prophet"
MODEL_SPREAD = 0.02  # log-space blur of each outcome: prices are steps, but not exact ones
FALLBACK_SPREAD = 0.06
INTERVAL_MASS = 0.80  # the shortest range holding 80% of the outcomes (outcomes.py)
DEADBAND = 0.02  # log-space; predicted moves smaller than this are noise
log = logging.getLogger("daoshou.forecast")
_ZERO_DECIMAL_CURRENCIES = {"JPY", "KRW", "VND", "IDR", "CLP", "ISK", "HUF", "TWD"}


@dataclass(frozen=True)
class Forecast:
    """A sale-day forecast for one listing, in the listing's currency."""

    series: str
    event_key: str
    event_name: str
    event_date: date
    as_of: date
    currency: str | None
    last_price: Decimal
    point: Decimal
    lower: Decimal  # 80% interval
    upper: Decimal
    prob_drop: float  # P(sale-day price more than 2% below last_price), calibrated
    prob_rise: float  # P(more than 2% above)
    advice: str  # buy | wait | no_pattern (no sale-day evidence yet: buy when it suits you)
    wait_until: date | None
    expected_saving: Decimal  # expected saving of waiting after the risk of a rise, >= 0
    saving_low: Decimal  # the 80% range of what waiting saves (negative: it costs)
    saving_high: Decimal
    history_days: int
    method: str  # model | fallback
    explanation: str
    explanation_zh: str
    inputs_hash: str
    event_name_zh: str = ""  # `event_name` is the English one; the CLI shows one language


def forecast(
    series: PriceSeries,
    target: Occurrence,
    calendar: Calendar,
    comparables: Sequence[float] = (),
    use_prophet: bool = True,
    tuning: Tuning = DEFAULT_TUNING,
) -> Forecast:
    """Forecast `target`'s price from `series` as known on its last day.

    `comparables` are log ratios (sale day / before) other listings of the same platform
    or category showed at earlier sales; they stand in for the listing's own history when
    that is too short.
    """
    if not series.days:
        raise ForecastError(
            f"series {series.name!r} has no prices",
            "import or record some first",
            zh=(f"序列 {series.name!r} 没有价格", "先导入或记录一些价格"),
        )
    as_of = series.last_day
    horizon = (target.day - as_of).days
    if horizon < 1:
        raise ForecastError(
            f"the sale day {target.day} is not after the history's last day {as_of}",
            "forecast a coming sale, or cut the history earlier",
            zh=(
                f"大促日 {target.day} 不在历史最后一天 {as_of} 之后",
                "预测一个即将到来的大促，或把历史截得更早",
            ),
        )
    occurrences = calendar.occurrences(series.platform, end=target.day + timedelta(days=1))
    own = past_outcomes(series, target, horizon, occurrences)
    own_weight = sum(o.weight for o in own)
    fallback = series.history_days < MIN_HISTORY_DAYS or own_weight < MIN_OWN_WEIGHT
    effect = None
    if not fallback and use_prophet:
        effect = _prophet_effect(series, target, occurrences)
    reverted = _reverted(own, elevation_at(series, as_of), tuning.reversion_shrink)
    # Prophet's effect is reported, not counted: it is fitted to the same earlier sales, and
    # counting it again made held-out Shopee worse than the last price (MASE 1.05)
    compared = _comparable_outcomes(comparables, COMPARABLE_EVIDENCE_WEIGHT)
    decision = decide(reverted, compared, prior_outcomes(series.platform), tuning)
    mixture = _mixture(series, reverted, comparables, fallback)
    result = _result(series, target, mixture, decision, (own, effect, fallback))
    return replace(result, inputs_hash=inputs_hash(series, target, comparables))


def ratios_under(
    series: PriceSeries,
    target: Occurrence,
    calendar: Calendar,
    tunings: Sequence[Tuning],
    comparables: Sequence[float] = (),
) -> list[tuple[float, float, float, str]]:
    """(point, lower, upper, advice) as ratios to today's price, under every tuning.

    What cross-validating the constants needs, without Prophet (whose effect is reported,
    not counted): the earlier sales are collected once, and only what a tuning changes
    (the reversion, the decision, the interval of the reverted outcomes) is redone.
    """
    occurrences = calendar.occurrences(series.platform, end=target.day + timedelta(days=1))
    own = past_outcomes(series, target, (target.day - series.last_day).days, occurrences)
    fallback = series.history_days < MIN_HISTORY_DAYS or sum(o.weight for o in own) < MIN_OWN_WEIGHT
    elevation = elevation_at(series, series.last_day)
    compared = _comparable_outcomes(comparables, COMPARABLE_EVIDENCE_WEIGHT)
    prior = prior_outcomes(series.platform)
    intervals: dict[float, tuple[float, float]] = {}
    rows = []
    for tuning in tunings:
        reverted = _reverted(own, elevation, tuning.reversion_shrink)
        if tuning.reversion_shrink not in intervals:
            mixture = _mixture(series, reverted, comparables, fallback)
            intervals[tuning.reversion_shrink] = mixture.shortest_interval(INTERVAL_MASS)
        lower, upper = intervals[tuning.reversion_shrink]
        decision = decide(reverted, compared, prior, tuning)
        point = decision.point_log_ratio if abs(decision.point_log_ratio) >= DEADBAND else 0.0
        low, high = min(point, lower), max(point, upper)
        rows.append((math.exp(point), math.exp(low), math.exp(high), decision.advice))
    return rows


def _prophet_effect(
    series: PriceSeries, target: Occurrence, occurrences: list[Occurrence]
) -> float | None:
    """Prophet's event effect, or None if the fit fails: the outcomes still stand alone."""
    try:
        return event_effect(series, target, occurrences)
    except (RuntimeError, ValueError) as exc:  # cmdstan failures surface as these
        log.info("Prophet fit failed for %s, %s: %s", series.name, target.key, exc)
        return None


def inputs_hash(series: PriceSeries, target: Occurrence, comparables: Sequence[float] = ()) -> str:
    """A digest of everything a forecast depends on: unchanged inputs need no new fit."""
    digest = hashlib.sha256(MODEL_VERSION.encode())
    digest.update(f"{target.key}|{target.day}|{target.platform}|{series.platform}".encode())
    for day, price in zip(series.days, series.prices, strict=True):
        digest.update(f"{day.toordinal()}:{price};".encode())
    digest.update(repr(sorted(round(c, 6) for c in comparables)).encode())
    return digest.hexdigest()[:32]


def _reverted(own: list[Outcome], elevation_now: float, shrink: float) -> list[Outcome]:
    """Re-centre each earlier outcome on today's elevation above the recent low.

    A listing raised above its 90-day low before earlier sales and then brought back down
    will likely do it again: the part of each outcome explained by its own elevation is
    swapped for the part today's elevation implies.
    """
    beta = reversion(own, shrink)
    if beta == 0.0 or not own:
        return own
    return [replace(o, log_ratio=o.log_ratio + beta * (elevation_now - o.elevation)) for o in own]


def _comparable_outcomes(comparables: Sequence[float], total: float) -> list[Outcome]:
    """Other listings' sale-day outcomes carrying `total` weight together."""
    if not comparables:
        return []
    share = 1.0 / len(comparables)
    return scaled([(c, share) for c in comparables], total, "comparable")


def _mixture(
    series: PriceSeries, own: list[Outcome], comparables: Sequence[float], fallback: bool
) -> Mixture:
    """The predictive distribution the 80% interval is read from.

    The earlier sales, comparable listings (only when the listing's own history is too
    short) and the shipped prior, blurred; Prophet's effect is left out: it is fitted to
    the same earlier sales, so as one more narrow outcome it would count their centre
    twice and pull the range in.
    """
    outcomes = list(own)
    if fallback:
        outcomes.extend(_comparable_outcomes(comparables, COMPARABLE_WEIGHT))
    outcomes.extend(scaled(prior_outcomes(series.platform), PRIOR_WEIGHT, "prior"))
    return Mixture(tuple(outcomes), FALLBACK_SPREAD if fallback else MODEL_SPREAD)


def _result(
    series: PriceSeries,
    target: Occurrence,
    mixture: Mixture,
    decision: Decision,
    basis: tuple[list[Outcome], float | None, bool],
) -> Forecast:
    own, effect, fallback = basis
    last, currency = series.last_price, series.currency
    lower, upper = mixture.shortest_interval(INTERVAL_MASS)
    median = decision.point_log_ratio
    if abs(median) < DEADBAND:
        median = 0.0  # a step function does not move by a percent or two: no change
    point = _money(last, math.exp(median), currency)
    low = min(point, _money(last, math.exp(lower), currency))
    high = max(point, _money(last, math.exp(upper), currency))
    wait = decision.advice == "wait"
    forecast_ = Forecast(
        series=series.name,
        event_key=target.key,
        event_name=target.name_en,
        event_name_zh=target.name_zh,
        event_date=target.day,
        as_of=series.last_day,
        currency=currency,
        last_price=last,
        point=point,
        lower=low,
        upper=high,
        prob_drop=round(decision.prob_drop, 4),
        prob_rise=round(decision.prob_rise, 4),
        advice=decision.advice,
        wait_until=target.sale_start if wait else None,
        expected_saving=max(_money(last, decision.net_saving, currency), Decimal(0)),
        saving_low=last - high,
        saving_high=last - low,
        history_days=series.history_days,
        method="fallback" if fallback else "model",
        explanation="",
        explanation_zh="",
        inputs_hash="",
    )
    english, chinese = explain(forecast_, target.family, own, effect, decision)
    return replace(forecast_, explanation=english, explanation_zh=chinese)


def _money(base: Decimal, factor: float, currency: str | None) -> Decimal:
    """`base * factor` back in exact money, rounded half-even to the currency's unit."""
    unit = Decimal(1) if (currency or "").upper() in _ZERO_DECIMAL_CURRENCIES else Decimal("0.01")
    return (base * Decimal(repr(factor))).quantize(unit, rounding=ROUND_HALF_EVEN)
