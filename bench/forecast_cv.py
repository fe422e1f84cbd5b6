"""Choose the forecaster's constants by leave-one-series-out cross-validation.

    .venv/bin/python bench/forecast_cv.py --csv FILE [--cut 7] [--workers 2] [--json OUT]

A constant chosen on the whole development file flatters it: the unseen marketplace
histories the forecaster is judged on are not in it. So, for every series in turn, the
constants (`evidence.Tuning`) are chosen on the *other* series only, and that series is
forecast with them; the report scores those held-out forecasts per source (the series
name's first word) and pooled with sources weighted equally. The constants finally
shipped are the ones chosen most often across the folds, and the script prints them.

Every case is a sale day forecast `--cut` days ahead from the history up to then,
without Prophet (the shipped path also runs without it, see docs/forecasting.md). The
choice inside a fold minimises, per source and then averaged over sources: MASE against
the last price, minus half the share of the oracle's saving captured, plus heavy
penalties for paying more than buying at once on over 2% of decisions and for an 80%
interval covering outside 75-85%.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from planner.forecast.backtest import build_cases
from planner.forecast.batch import parallel_map
from planner.forecast.calendar import Calendar, load_calendar
from planner.forecast.evidence import DEFAULT_TUNING, Tuning
from planner.forecast.forecaster import forecast
from planner.forecast.history import read_history_csv
from planner.forecast.metrics import SourceScore, pooled, score_source, source_of

GRID = {
    "point_shrink": (0.25, 0.5, 1.0, 2.0),
    "prob_shrink": (0.5, 1.0, 2.0),
    "wait_margin": (0.01, 0.03, 0.05),
    "reversion_shrink": (0.001, 0.005, 0.02),
    "min_prob_drop": (0.0, 0.3, 0.5),
}


def tunings() -> list[Tuning]:
    """Every combination of the grid, as tunings (the other fields at their defaults)."""
    keys = list(GRID)
    return [
        Tuning(**{**asdict(DEFAULT_TUNING), **dict(zip(keys, values, strict=True))})
        for values in itertools.product(*(GRID[k] for k in keys))
    ]


def _predict(job: tuple[object, Calendar, list[Tuning]]) -> list[tuple[float, ...]]:
    """(point, lower, upper, wait) of one case under every tuning."""
    case, calendar, grid = job
    rows = []
    for tuning in grid:
        made = forecast(case.series, case.target, calendar, use_prophet=False, tuning=tuning)
        rows.append((float(made.point), float(made.lower), float(made.upper), made.advice))
    return rows


def _loss(scores: list[SourceScore]) -> float:
    total = 0.0
    for s in scores:
        total += s.mase - 0.5 * (s.saved or 0.0)
        total += 20 * max(0.0, s.worse - 0.02) + 5 * max(0.0, abs(s.coverage - 0.80) - 0.05)
    return total / len(scores)


def _scores(cases, preds, picked: list[int], combo: int) -> list[SourceScore]:
    by_source: dict[str, list[tuple]] = {}
    for i in picked:
        point, low, high, advice = preds[i][combo]
        case = cases[i]
        row = (float(case.series.last_price), case.actual, point, low, high, advice == "wait")
        by_source.setdefault(source_of(case.series.name), []).append(row)
    return [score_source(src, rows) for src, rows in sorted(by_source.items())]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True)
    parser.add_argument("--cut", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    calendar = load_calendar()
    all_series = read_history_csv(args.csv, calendar.platforms())
    cases = build_cases(all_series, calendar, (args.cut,))
    grid = tunings()
    preds = parallel_map(_predict, [(c, calendar, grid) for c in cases], args.workers)
    names = sorted({c.series.name for c in cases})
    chosen: Counter[int] = Counter()
    held_out: dict[int, int] = {}
    for name in names:
        train = [i for i, c in enumerate(cases) if c.series.name != name]
        best = min(range(len(grid)), key=lambda k: _loss(_scores(cases, preds, train, k)))
        chosen[best] += 1
        for i, c in enumerate(cases):
            if c.series.name == name:
                held_out[i] = best
    rows: dict[str, list[tuple]] = {}
    for i, combo in held_out.items():
        point, low, high, advice = preds[i][combo]
        case = cases[i]
        row = (float(case.series.last_price), case.actual, point, low, high, advice == "wait")
        rows.setdefault(source_of(case.series.name), []).append(row)
    per_source = [score_source(src, r) for src, r in sorted(rows.items())]
    report = {
        "cut": args.cut,
        "per_source": [asdict(s) for s in per_source],
        "pooled": asdict(pooled(per_source)),
        "chosen": [[asdict(grid[k]), n] for k, n in chosen.most_common()],
    }
    text = json.dumps(report, indent=1)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
