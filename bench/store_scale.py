"""`bench/store.py --scale`: reading a big watchlist (see that file's docstring).

Two stores in one run, written through the bulk path: the big one, and a baseline of 1%
of its listings (at least 10) with the same history per listing. What a listing costs
to read should not grow with the store, so every ratio should stay near 1.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.watchlist import seed_watchlist
from tracker.store import db, sqlite_reader
from tracker.store.repository import Repository

ROOT = Path(__file__).resolve().parent.parent

#: A fresh process that opens the terminal app on a store (argv[1]) as `daoshou` does
#: (the command line imported, the store handed over by `store_for_app`, the start-up's
#: objects frozen for the collector) and prints
#: "painted" and its CPU seconds once the first rows of the watchlist are on screen; it
#: exits at once (the second pass, trends and forecasts, is not what is measured).
FIRST_PAINT = """
import asyncio, gc, os, sys, time
from tui.cli import app as command_line
from tui.cli.terminal import store_for_app
from tui.app import DaoshouApp
from tui.context import AppContext
from tui.widgets.watch_table import WatchTable

async def main():
    store = store_for_app(sys.argv[1])
    app = DaoshouApp(AppContext(store, poll_seconds=0, auto_forecast=False))
    gc.freeze()  # as tui.cli.terminal.open_app does
    async with app.run_test(size=(160, 45)):
        while not (app.screen.query(WatchTable) and app.screen.query(WatchTable).first().row_count):
            await asyncio.sleep(0.001)
        frame = asyncio.Event()
        app.screen.query_one(WatchTable).call_after_refresh(frame.set)
        await frame.wait()
        print("painted", time.process_time(), flush=True)
        os._exit(0)

asyncio.run(main())
"""


def median_seconds(action: Callable[[], object], runs: int) -> float:
    """The median wall time of `runs` calls, after one untimed call (caches warm)."""
    return median_wall_cpu(action, runs)[0]


def median_wall_cpu(action: Callable[[], object], runs: int) -> tuple[float, float]:
    """The median wall and CPU (this process) seconds of `runs` calls, after one untimed
    call: CPU beside wall shows how much of the wall time was waiting for a busy machine."""
    action()
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def first_paint(url: str, runs: int = 3) -> tuple[float, float]:
    """Median wall and CPU seconds from a fresh process's start to the watchlist's first
    painted rows (CPU as the process counts it), after one untimed run.

    The processes may write bytecode, as an installed daoshou's modules have theirs: with
    PYTHONDONTWRITEBYTECODE set, every module changed since the last compile was compiled
    again in every run (a tenth of a second)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    times, cpus = [], []
    for run in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", FIRST_PAINT, url],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if "painted" not in done.stdout:
            raise RuntimeError(f"the app did not paint: {done.stderr[-2000:]}")
        if not run:
            continue  # the untimed run
        times.append(time.perf_counter() - started)
        cpus.append(float(done.stdout.split()[-1]))
    return statistics.median(times), statistics.median(cpus)


def measure(url: str, listing_id: int) -> dict[str, float]:
    repository = Repository(db.open_engine(url))
    painted, painted_cpu = first_paint(url)
    listed, listed_cpu = median_wall_cpu(lambda: sqlite_reader.listing_statuses(url), 5)
    through_orm, through_orm_cpu = median_wall_cpu(repository.listing_statuses, 5)
    return {
        "list: daoshou list's reader": listed,
        "list: daoshou list's reader, CPU": listed_cpu,
        "list: Repository (PostgreSQL)": through_orm,
        "list: Repository (PostgreSQL), CPU": through_orm_cpu,
        "one listing's chart data (daily)": median_seconds(
            lambda: repository.daily_history(listing_id), 20
        ),
        "watchlist first paint (process)": painted,
        "watchlist first paint (process), CPU": painted_cpu,
    }


def read_scale(listings: int, days: int, per_day: int, keep: Path | None = None) -> None:
    """Write (or, with `keep`, reuse) the big store and its baseline, and read both.

    A store kept from an earlier run is read as it is, after opening it once (which
    migrates it to the current schema): writing 44M rows takes 20-30 minutes on the
    development machine, reading them seconds. Its name records its sizes, so a run with
    other sizes writes its own."""
    small = max(10, listings // 100)
    with tempfile.TemporaryDirectory(prefix="daoshou-scale-") as scratch:
        folder = keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        results = {}
        for name, count in (("baseline", small), ("big", listings)):
            path = folder / f"{name}-{count}x{days}x{per_day}.sqlite"
            url = f"sqlite:///{path}"
            if path.exists():
                db.open_engine(url)  # migrate a kept store before it is measured
                print(f"{name}: {count} listings, kept in {path}")
            else:
                # Written under another name and renamed once complete (its last
                # connection closed, the WAL folded in): a run killed while writing
                # leaves nothing a later run would take for a kept store.
                partial = path.with_suffix(".partial")
                started = time.perf_counter()
                rows = seed_watchlist(
                    db.open_engine(f"sqlite:///{partial}"),
                    listings=count,
                    days=days,
                    per_day=per_day,
                )
                seconds = time.perf_counter() - started
                db.dispose_engines()
                partial.rename(path)
                print(f"{name}: {count} listings, {rows:,} observations written in {seconds:.0f} s")
            results[name] = measure(url, count // 2)
            db.dispose_engines()
    print(f"\n{'measure':<36} {'big s':>8} {'baseline s':>10} {'ratio':>6}")
    for label, seconds in results["big"].items():
        base = results["baseline"][label]
        print(f"{label:<36} {seconds:8.4f} {base:10.4f} {seconds / base:6.2f}")
