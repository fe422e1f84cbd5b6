"""Benchmark: the terminal app with 1,000 products and 1,000,000 observations.

Measures, headless at 160x45:
- launch -> first painted watchlist (the first screenful of rows; target < 1 s),
- launch -> all rows in the table (the rest are added in chunks after the first frame),
- launch -> sparklines, lowest prices and forecasts filled in (second pass),
- switching screens (watchlist -> planner -> alerts -> settings -> watchlist),
each as a ratio against a baseline measured in the same run on the same machine: a bare
Textual app painting a 1,000-row table from memory, and switching between two empty
screens. Ratios travel between machines; seconds do not.

    .venv/bin/python bench/tui.py [--products 1000] [--days 1000]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path and `bench/tui.py` would
# shadow the `tui` package it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import replace  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from textual.app import App, ComposeResult  # noqa: E402
from textual.screen import Screen  # noqa: E402
from textual.widgets import DataTable, Footer, Header  # noqa: E402

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
SIZE = (160, 45)


def build_store(home: Path, products: int, days: int):
    """A store with `products` products, one listing each, `days` daily observations each."""
    os.environ["DAOSHOU_HOME"] = str(home)
    from tracker.store.db import open_engine
    from tui.demo.catalogue import CATALOGUE
    from tui.demo.seed import seed_demo

    catalogue = []
    for n in range(products):
        base = CATALOGUE[n % len(CATALOGUE)]
        listing = replace(base.listings[0], slug=f"{base.listings[0].slug}-{n}")
        catalogue.append(replace(base, name=f"{base.name} #{n}", listings=(listing,)))
    engine = open_engine()
    started = time.perf_counter()
    seeded = seed_demo(engine, NOW, catalogue=catalogue, days=days)
    print(
        f"seeded {products} products, {seeded.observations:,} observations "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return engine


class _Baseline(App[None]):
    """A bare app painting a table of `rows` rows from memory."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(f"c{i}" for i in range(10)))
        table.add_rows([[f"row {r}", *range(9)] for r in range(self.rows)])


class _Empty(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Footer()


async def _time_until(pilot, ready) -> float:
    """Poll `ready` every millisecond (`pilot.pause` would wait until the app is idle, i.e.
    until every queued chunk and message is done)."""
    started = time.perf_counter()
    while not ready():
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


async def baseline_launch(rows: int) -> float:
    started = time.perf_counter()
    app = _Baseline(rows)
    async with app.run_test(size=SIZE) as pilot:
        await _time_until(pilot, lambda: app.query_one(DataTable).row_count == rows)
        frame = asyncio.Event()
        app.query_one(DataTable).call_after_refresh(frame.set)
        await frame.wait()
        return time.perf_counter() - started


async def baseline_switch() -> float:
    app = App[None]()
    async with app.run_test(size=SIZE) as pilot:
        times = []
        for _ in range(8):
            started = time.perf_counter()
            await app.push_screen(_Empty())
            await pilot.pause()
            times.append(time.perf_counter() - started)
            await app.pop_screen()
            await pilot.pause()
        return statistics.median(times)


async def daoshou_runs(engine, products: int) -> dict[str, float]:
    from tui.app import DaoshouApp
    from tui.context import AppContext
    from tui.widgets.watch_table import WatchTable

    context = AppContext(engine, clock=lambda: NOW, poll_seconds=0, auto_forecast=False)
    started = time.perf_counter()
    app = DaoshouApp(context)
    results: dict[str, float] = {}
    async with app.run_test(size=SIZE) as pilot:

        def rows_shown(count: int):
            def ready() -> bool:
                tables = app.screen.query(WatchTable)
                return bool(tables) and tables.first().row_count >= count

            return ready

        await _time_until(pilot, rows_shown(1))
        frame = asyncio.Event()
        app.screen.query_one(WatchTable).call_after_refresh(frame.set)
        await frame.wait()  # the frame showing those rows was drawn
        results["launch -> watchlist painted"] = time.perf_counter() - started
        await _time_until(pilot, rows_shown(products))
        results["launch -> all rows in the table"] = time.perf_counter() - started
        await _time_until(pilot, lambda: bool(app.screen.data.trends))
        results["launch -> trends and forecasts"] = time.perf_counter() - started
        for visit in ("first visit", "revisit"):
            switches = []
            for key, mode in (
                ("p", "planner"),
                ("l", "alerts"),
                ("comma", "settings"),
                ("w", "watchlist"),
            ):
                begun = time.perf_counter()
                await pilot.press(key)
                await _time_until(pilot, lambda mode=mode: app.current_mode == mode)
                await pilot.pause()
                switches.append(time.perf_counter() - begun)
            print(visit, " ".join(f"{x:.3f}" for x in switches))
            results[f"screen switch, {visit} (median)"] = statistics.median(switches)
        await app.workers.wait_for_complete()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--days", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="daoshou-bench-") as tmp:
        engine = build_store(Path(tmp), args.products, args.days)
        launch = asyncio.run(baseline_launch(args.products))
        switch = asyncio.run(baseline_switch())
        ours = asyncio.run(daoshou_runs(engine, args.products))
        engine.dispose()
    baselines = {
        "launch -> watchlist painted": launch,
        "launch -> trends and forecasts": launch,
        "launch -> all rows in the table": launch,
        "screen switch, first visit (median)": switch,
        "screen switch, revisit (median)": switch,
    }
    print(f"\n{'measure':38} {'daoshou s':>10} {'baseline s':>11} {'ratio':>7}")
    for name, seconds in ours.items():
        base = baselines[name]
        print(f"{name:38} {seconds:10.3f} {base:11.3f} {seconds / base:7.2f}")
    print(
        "\nbaselines: a bare Textual app painting the same number of rows from memory; "
        "switching between two empty screens"
    )


if __name__ == "__main__":
    main()
