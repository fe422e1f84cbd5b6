"""Many forecasts at once: processes in parallel, one thread each, unchanged inputs skipped.

A Prophet fit is CPU-bound Python + a Stan subprocess, so threads do not help and BLAS
threads only fight each other: parallelism is a process pool with every numerical library
pinned to one thread. Fits whose inputs hash matches the previous run are not redone, which
is what makes a nightly run over hundreds of unchanged listings cheap.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Collection, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

from planner.errors import ForecastError
from planner.forecast.calendar import Calendar, Occurrence
from planner.forecast.forecaster import Forecast, forecast, inputs_hash
from planner.forecast.history import PriceSeries

T = TypeVar("T")
R = TypeVar("R")

_THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS")


@dataclass(frozen=True)
class ForecastRequest:
    """One forecast to make: a history, the sale it targets, comparable sale outcomes."""

    series: PriceSeries
    target: Occurrence
    comparables: tuple[float, ...] = ()

    @property
    def inputs_hash(self) -> str:
        return inputs_hash(self.series, self.target, self.comparables)


@dataclass(frozen=True)
class ForecastOutcome:
    """A request's fresh forecast; or None with the one-line reason it could not be made,
    or with `skipped` set when its inputs had not changed since the last run."""

    request_hash: str
    forecast: Forecast | None
    error: str | None = None
    skipped: bool = False


def forecast_many(
    requests: Sequence[ForecastRequest],
    calendar: Calendar,
    unchanged: Collection[str] = (),
    workers: int | Workers | None = None,
) -> list[ForecastOutcome]:
    """Forecast every request whose inputs hash is not in `unchanged`, in parallel
    (`workers`: a count, or a `Workers` pool kept across several calls)."""
    hashes = [r.inputs_hash for r in requests]
    todo = [(r, calendar) for r, h in zip(requests, hashes, strict=True) if h not in unchanged]
    if isinstance(workers, Workers):
        fresh = iter(workers.map(_forecast_one, todo))
    else:
        fresh = iter(parallel_map(_forecast_one, todo, workers))
    results = []
    for digest in hashes:
        if digest in unchanged:
            results.append(ForecastOutcome(digest, None, skipped=True))
        else:
            made, error = next(fresh)
            results.append(ForecastOutcome(digest, made, error))
    return results


def _forecast_one(job: tuple[ForecastRequest, Calendar]) -> tuple[Forecast | None, str | None]:
    request, calendar = job
    try:
        return forecast(request.series, request.target, calendar, request.comparables), None
    except ForecastError as exc:
        return None, exc.one_line()


def parallel_map(fn: Callable[[T], R], items: Iterable[T], workers: int | None = None) -> list[R]:
    """`[fn(x) for x in items]` over a pool of single-threaded processes, in order.

    `workers=1` (or a single item) runs in this process: no pool start-up for small jobs.
    """
    with Workers(workers) as pool:
        return pool.map(fn, items)


class Workers:
    """A pool of single-threaded processes for several `map` calls, started by the first
    call that has more than one item: the nightly refresh forecasts its listings part by
    part, and a quiet night (nothing to refit) starts no process at all. A worker's first
    forecast imports Prophet, seconds of CPU that one pool pays once per night."""

    def __init__(self, count: int | None = None) -> None:
        self.count = count or os.cpu_count() or 1
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`[fn(x) for x in items]`, in order; in this process for one worker or item."""
        items = list(items)
        if self.count <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        if self._pool is None:
            spawn = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.count, mp_context=spawn, initializer=pin_threads)
        chunk = max(1, len(items) // (self.count * 4))
        return list(self._pool.map(fn, items, chunksize=chunk))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def pin_threads() -> None:
    """One BLAS/OpenMP thread per worker process, set before numpy loads in it."""
    for name in _THREAD_ENV:
        os.environ[name] = "1"
