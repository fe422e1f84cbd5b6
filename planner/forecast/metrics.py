"""Scores per source and pooled with sources weighted equally: evaluation that cannot fool us.

A development file dominated by one source (Steam games, deep scheduled sales) makes any
pooled score that source's score. So every metric is computed per source (the series
name's first word: `shopee-br-123` -> `shopee`), on errors as a share of today's price
(so expensive listings do not dominate either), and the pooled figure is the plain mean
of the per-source figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from planner.forecast.outcomes import DROP_RATIO

# (last price, actual sale-day price, point, lower, upper, waited)
Row = tuple[float, float, float, float | None, float | None, bool]


def source_of(name: str) -> str:
    """The series' source: the first word of its name (`steam-elden-ring` -> `steam`)."""
    return name.split("-", 1)[0]


@dataclass(frozen=True)
class SourceScore:
    """One method's metrics on one source (or pooled), errors as a share of today's price."""

    source: str
    cases: int
    mae_pct: float  # mean |point - actual| / last price
    last_mae_pct: float  # the same for "the price stays as it is"
    mase: float  # mae_pct / last_mae_pct: below 1 beats the last price
    coverage: float  # share of actual prices inside the 80% interval
    saved: float | None  # savings of the advice / savings of a perfect-foresight buyer
    worse: float  # share of decisions that paid more than buying at once
    waits: int
    drops: int  # sale days more than 2% below the price at the cut


def score_source(source: str, rows: Sequence[Row]) -> SourceScore:
    """The metrics of `rows` (see `Row`), all of one source."""
    n = len(rows)
    if not n:
        return SourceScore(source, 0, 0.0, 0.0, 1.0, 0.0, None, 0.0, 0, 0)
    mae = sum(abs(point - actual) / last for last, actual, point, *_ in rows) / n
    base = sum(abs(last - actual) / last for last, actual, *_ in rows) / n
    intervals = [
        (low, high, actual)
        for _, actual, _, low, high, _ in rows
        if low is not None and high is not None
    ]
    covered = sum(low <= actual <= high for low, high, actual in intervals)
    oracle = sum(max(0.0, last - actual) / last for last, actual, *_ in rows)
    saved = sum((last - actual) / last for last, actual, *_, wait in rows if wait)
    worse = sum(1 for last, actual, *_, wait in rows if wait and actual > last)
    return SourceScore(
        source=source,
        cases=n,
        mae_pct=mae,
        last_mae_pct=base,
        mase=mae / base if base else 1.0,
        coverage=covered / len(intervals) if intervals else 0.0,
        saved=saved / oracle if oracle else None,
        worse=worse / n,
        waits=sum(1 for *_, wait in rows if wait),
        drops=sum(1 for last, actual, *_ in rows if actual < DROP_RATIO * last),
    )


def pooled(scores: Sequence[SourceScore]) -> SourceScore:
    """The mean of the per-source scores: every source counts the same."""
    if not scores:
        return score_source("pooled", [])
    k = len(scores)
    saved = [s.saved for s in scores if s.saved is not None]
    return SourceScore(
        source="pooled",
        cases=sum(s.cases for s in scores),
        mae_pct=sum(s.mae_pct for s in scores) / k,
        last_mae_pct=sum(s.last_mae_pct for s in scores) / k,
        mase=sum(s.mase for s in scores) / k,
        coverage=sum(s.coverage for s in scores) / k,
        saved=sum(saved) / len(saved) if saved else None,
        worse=sum(s.worse for s in scores) / k,
        waits=sum(s.waits for s in scores),
        drops=sum(s.drops for s in scores),
    )
