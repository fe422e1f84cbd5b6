"""Benchmark: sale-day forecasts per second for many two-year daily series, and peak memory.

    .venv/bin/python bench/forecast.py [--series 1000] [--workers 2] [--baseline-subset 20]

Generates step-shaped two-year daily series with a fixed seed (sale-day cuts, occasional
raises before sales, permanent steps), then measures, in this one run:

- baseline: naive sequential Prophet in one process (default settings: seasonalities on,
  1,000 uncertainty samples, a predict over the whole history), timed on a subset and
  extrapolated to all series - said so in the table;
- daoshou, one process: the same forecasts sequentially (subset, extrapolated), which
  separates the pool's speed-up from the cost of the method itself;
- daoshou, cold: `forecast_many` over a pool of single-threaded processes;
- daoshou, warm: the same run again with every inputs hash unchanged (the nightly case).

Prints a table of series per second and the ratio to the baseline, and peak memory
(this process, and the largest worker process).
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from datetime import date, timedelta
from decimal import Decimal

from planner.forecast import load_calendar, series_from_points
from planner.forecast.batch import ForecastRequest, forecast_many
from planner.forecast.quiet import import_prophet

START = date(2024, 9, 1)
DAYS = 730
PLATFORM = "jd"


def make_series(count: int, seed: int, calendar):
    rng = random.Random(seed)
    sales = [o for o in calendar.occurrences(PLATFORM, START, START + timedelta(days=DAYS))]
    series = []
    for n in range(count):
        price = Decimal(rng.randint(20, 500))
        cuts = {}
        for occ in sales:
            if rng.random() < 0.3:
                factor = Decimal(str(round(rng.uniform(0.7, 0.9), 2)))
                for k in range(-2, 1):
                    cuts[occ.day + timedelta(days=k)] = factor
        points = []
        for i in range(DAYS):
            day = START + timedelta(days=i)
            if rng.random() < 1 / 90:
                price = (price * Decimal(str(round(rng.uniform(0.9, 1.1), 2)))).quantize(
                    Decimal("0.01")
                )
            shown = (price * cuts.get(day, Decimal(1))).quantize(Decimal("0.01"))
            points.append((day, shown))
        series.append(series_from_points(f"bench-{n}", points, "CNY", PLATFORM))
    return series


def naive_prophet_seconds(series, subset: int) -> float:
    """Seconds per series for default Prophet, sequential, in this process."""
    import pandas as pd

    prophet = import_prophet()
    began = time.perf_counter()
    for one in series[:subset]:
        frame = pd.DataFrame(
            {"ds": pd.to_datetime(list(one.days)), "y": [float(p) for p in one.prices]}
        )
        model = prophet.Prophet()
        model.fit(frame)
        model.predict(model.make_future_dataframe(periods=30))
    return (time.perf_counter() - began) / subset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline-subset", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261111)
    args = parser.parse_args()

    calendar = load_calendar()
    series = make_series(args.series, args.seed, calendar)
    target = calendar.resolve("11.11", PLATFORM, series[0].last_day + timedelta(days=1))
    requests = [ForecastRequest(s, target) for s in series]

    subset = min(args.baseline_subset, len(series))
    per_series = naive_prophet_seconds(series, subset)
    baseline_rate = 1 / per_series

    began = time.perf_counter()
    forecast_many(requests[:subset], calendar, workers=1)
    ours_sequential = (time.perf_counter() - began) / subset

    began = time.perf_counter()
    cold = forecast_many(requests, calendar, workers=args.workers)
    cold_seconds = time.perf_counter() - began
    failed = sum(1 for o in cold if o.forecast is None)
    models = sum(1 for o in cold if o.forecast is not None and o.forecast.method == "model")

    unchanged = {o.request_hash for o in cold if o.forecast is not None}
    began = time.perf_counter()
    forecast_many(requests, calendar, unchanged=unchanged, workers=args.workers)
    warm_seconds = max(time.perf_counter() - began, 1e-9)

    cold_rate = len(series) / cold_seconds
    warm_rate = len(series) / warm_seconds
    rows = [
        (
            f"naive Prophet, 1 process (timed on {subset}, extrapolated)",
            baseline_rate,
            len(series) * per_series,
        ),
        (
            f"daoshou, 1 process (timed on {subset}, extrapolated)",
            1 / ours_sequential,
            len(series) * ours_sequential,
        ),
        (f"daoshou cold, {args.workers} processes", cold_rate, cold_seconds),
        (f"daoshou warm (inputs unchanged), {args.workers} processes", warm_rate, warm_seconds),
    ]
    print(f"{len(series)} two-year daily series; {models} fitted with the model, {failed} failed")
    print(f"{'run':62} {'series/s':>10} {'seconds':>9} {'x baseline':>11}")
    for name, rate, seconds in rows:
        print(f"{name:62} {rate:10.2f} {seconds:9.1f} {rate / baseline_rate:11.2f}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: this process {own:.0f} MiB, largest worker process {children:.0f} MiB")


if __name__ == "__main__":
    main()
