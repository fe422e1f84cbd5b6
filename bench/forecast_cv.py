"""Choose the forecaster's constants by leave-one-series-out cross-validation.

    .venv/bin/python bench/forecast_cv.py --csv FILE [--cut 7] [--workers 2] [--json OUT]

A constant chosen on the whole development file flatters it: the unseen marketplace
histories the forecaster is judged on are not in it. So, for every series in turn, the
constants (`evidence.Tuning`) are chosen on the *other* series only, and that series is
forecast with them; the report scores those held-out forecasts per source (the series
name's first word) and pooled with sources weighted equally.

Every case is a sale day forecast `--cut` days ahead from the history up to then,
without Prophet (its effect is reported, not counted). What a choice minimises is the
mean of two things: the average of the per-source losses (every source counting the
same, whatever its number of cases) and the worst source's loss (so a source of deep
scheduled sales cannot buy forecasts of drops that cost another source money). The loss
of one source is

    MASE - share of the oracle's saving captured
         + PAID_MORE_COST x share of decisions that paid more than buying at once
         + COVERAGE_COST x how far the 80% interval's coverage is outside 75-85%

A decision that paid more is counted heavily: a shopper told to wait who then pays more
has lost money on our word, a shopper told to buy has at worst missed a saving. Within a
fold, every grid point whose loss is within `TOLERANCE` of the best is as good as the
best (the difference is one or two sale days); of those the one that departs least from
"buy now at today's price" (the fewest waits plus predicted moves) on the training series
is taken. The constants shipped are, of the folds' choices, the one that departs least on
the development file: when folds disagree, the conservative choice wins.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from planner.forecast.backtest import Case, build_cases
from planner.forecast.batch import parallel_map
from planner.forecast.calendar import Calendar, load_calendar
from planner.forecast.evidence import DEFAULT_TUNING, Tuning
from planner.forecast.forecaster import ratios_under
from planner.forecast.history import read_history_csv
from planner.forecast.metrics import SourceScore, pooled, score_source, source_of

GRID = {
    "point_shrink": (0.25, 0.5, 1.0, 2.0, 3.0, 4.0),
    "prob_shrink": (0.5, 1.0, 2.0, 4.0),
    "wait_margin": (0.01, 0.03, 0.05, 0.08),
    "reversion_shrink": (0.001, 0.005, 0.02),
    "min_prob_drop": (0.0, 0.3, 0.5, 0.6),
}
PAID_MORE_COST = 20.0  # one paid-more decision in 50 costs 0.4: 40% of the oracle's saving
COVERAGE_COST = 5.0
TOLERANCE = 0.02

Pred = tuple[float, float, float, str]  # point, lower, upper (ratios to today), advice


def tunings() -> list[Tuning]:
    """Every combination of the grid, as tunings (the other fields at their defaults)."""
    keys = list(GRID)
    return [
        Tuning(**{**asdict(DEFAULT_TUNING), **dict(zip(keys, values, strict=True))})
        for values in itertools.product(*(GRID[k] for k in keys))
    ]


def _predict(job: tuple[Case, Calendar, list[Tuning]]) -> list[Pred]:
    case, calendar, grid = job
    return ratios_under(case.series, case.target, calendar, grid)


def loss(scores: list[SourceScore]) -> float:
    """The objective above: the mean of the average and the worst source's loss."""
    per_source = [
        s.mase
        - (s.saved or 0.0)
        + PAID_MORE_COST * s.worse
        + COVERAGE_COST * max(0.0, abs(s.coverage - 0.80) - 0.05)
        for s in scores
    ]
    return (sum(per_source) / len(per_source) + max(per_source)) / 2


def scores_of(cases: list[Case], preds: list[Pred], picked: list[int]) -> list[SourceScore]:
    """Per-source scores of the cases `picked`, `preds[i]` being case i's forecast."""
    by_source: dict[str, list[tuple]] = {}
    for i in picked:
        point, low, high, advice = preds[i]
        case = cases[i]
        last = float(case.series.last_price)
        row = (last, case.actual, point * last, low * last, high * last, advice == "wait")
        by_source.setdefault(source_of(case.series.name), []).append(row)
    return [score_source(src, rows) for src, rows in sorted(by_source.items())]


def choose(cases: list[Case], preds: list[list[Pred]], picked: list[int], n: int) -> int:
    """The grid point for the cases `picked`: near-best loss, then the most conservative."""
    losses = [loss(scores_of(cases, [p[k] for p in preds], picked)) for k in range(n)]
    best = min(losses)
    near = [k for k in range(n) if losses[k] <= best + TOLERANCE]
    return min(near, key=lambda k: (departures(preds, picked, k), losses[k]))


def departures(preds: list[list[Pred]], picked: list[int], k: int) -> int:
    """How often grid point k departs from "buy now at today's price": waits and moves."""
    return sum((preds[i][k][3] == "wait") + (preds[i][k][0] != 1.0) for i in picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--cut", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    calendar = load_calendar()
    cases = build_cases(read_history_csv(args.csv, calendar.platforms()), calendar, (args.cut,))
    grid = tunings()
    preds = parallel_map(_predict, [(c, calendar, grid) for c in cases], args.workers)
    chosen: Counter[int] = Counter()
    held_out: list[Pred] = [preds[i][0] for i in range(len(cases))]
    for name in sorted({c.series.name for c in cases}):
        train = [i for i, c in enumerate(cases) if c.series.name != name]
        best = choose(cases, preds, train, len(grid))
        chosen[best] += 1
        for i, c in enumerate(cases):
            if c.series.name == name:
                held_out[i] = preds[i][best]
    everything = list(range(len(cases)))
    shipped = min(chosen, key=lambda k: (departures(preds, everything, k), -chosen[k]))
    per_source = scores_of(cases, held_out, everything)
    in_sample = scores_of(cases, [p[shipped] for p in preds], everything)
    report = {
        "cut": args.cut,
        "grid_points": len(grid),
        "per_source": [asdict(s) for s in per_source],
        "pooled": asdict(pooled(per_source)),
        "shipped": asdict(grid[shipped]),
        "shipped_in_sample": [asdict(s) for s in in_sample],
        "chosen": [
            [asdict(grid[k]), n, departures(preds, everything, k)] for k, n in chosen.items()
        ],
    }
    text = json.dumps(report, indent=1)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
