"""Held-out checks of the forecaster: split a file's series in two and score each half.

A backtest on the series the parameters were chosen on flatters them, and the issue's
targets are about data the suite has never seen. This module makes the split explicit
and repeatable: the series are grouped by source (the first word of the name, the
platform for `steam-*` and `shopee-*`), each group is shuffled with a fixed seed and cut
in two, so both halves hold every source. Series are never split across halves: the
forecaster learns from a listing's own earlier sales, so a half must hold whole
histories. The forecasts are made once; each half, each source and the whole file are
scores of the same predictions.

    .venv/bin/python -m planner.forecast.holdout --csv FILE [--seed 0] [--no-prophet]

The command line belongs to development (like `bench/`); users run `daoshou backtest`.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterable, Mapping
from pathlib import Path

from planner.forecast.backtest import OURS, MethodScore, Replay, replay, score_replay
from planner.forecast.calendar import Calendar, load_calendar
from planner.forecast.history import PriceSeries, read_history_csv
from planner.forecast.metrics import source_of


def split_halves(names: Iterable[str], seed: int = 0) -> tuple[list[str], list[str]]:
    """Two disjoint halves of `names`, each holding about half of every source.

    Deterministic for a seed: names are sorted before the shuffle, so the split does not
    depend on the order of the file. An odd group gives its extra series to half A.
    """
    rng = random.Random(seed)
    groups: dict[str, list[str]] = {}
    for name in sorted(names):
        groups.setdefault(source_of(name), []).append(name)
    half_a: list[str] = []
    half_b: list[str] = []
    for source in sorted(groups):
        members = groups[source]
        rng.shuffle(members)
        cut = (len(members) + 1) // 2
        half_a.extend(members[:cut])
        half_b.extend(members[cut:])
    return sorted(half_a), sorted(half_b)


def holdout_scores(
    all_series: Mapping[str, PriceSeries],
    calendar: Calendar,
    seed: int = 0,
    use_prophet: bool = True,
    workers: int | None = None,
) -> list[tuple[str, MethodScore]]:
    """daoshou's scores on the whole file, each half, each source, and each source's halves."""
    replayed = replay(all_series, calendar, workers=workers, use_prophet=use_prophet)
    half_a, half_b = split_halves(all_series, seed)
    groups: list[tuple[str, Iterable[str]]] = [
        ("whole file", all_series),
        ("half A", half_a),
        ("half B", half_b),
    ]
    for source in sorted({source_of(n) for n in all_series}):
        members = {n for n in all_series if source_of(n) == source}
        groups.append((source, members))
        groups.append((f"{source}, half A", members & set(half_a)))
        groups.append((f"{source}, half B", members & set(half_b)))
    return [(label, _ours(replayed.only(set(names)))) for label, names in groups]


def _ours(replayed: Replay) -> MethodScore:
    return next(s for s in score_replay(replayed).scores if s.method == OURS)


def _row(label: str, score: MethodScore) -> str:
    cover = "-" if score.coverage_80 is None else f"{score.coverage_80:.1%}"
    saved = "-" if score.savings_share is None else f"{score.savings_share:.1%}"
    return (
        f"| {label} | {score.cases} | {score.mase:.3f} | {cover} | {saved} "
        f"| {score.worse_share:.1%} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True, help="series,date,price,currency")
    parser.add_argument("--seed", type=int, default=0, help="the split's shuffle seed")
    parser.add_argument("--no-prophet", action="store_true", help="outcomes only (fast)")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: CPUs)")
    args = parser.parse_args(argv)
    calendar = load_calendar()
    all_series = read_history_csv(args.csv, calendar.platforms())
    half_a, half_b = split_halves(all_series, args.seed)
    print(f"seed {args.seed}: half A = {', '.join(half_a)}; half B = {', '.join(half_b)}")
    print("| series | cases | MASE | 80% coverage | saved | worse |")
    print("|---|---|---|---|---|---|")
    scores = holdout_scores(all_series, calendar, args.seed, not args.no_prophet, args.workers)
    for label, score in scores:
        print(_row(label, score))


if __name__ == "__main__":
    main()
