"""Benchmark: how long `daoshou` takes to start, for help and for commands that read a store.

    .venv/bin/python bench/cli.py [--runs 7] [--listings 240] [--days 1095]

Every command runs as a fresh process (as a user's shell runs it); the table gives the
median wall time and the median CPU time (user + system, of the process) of `--runs` runs,
each as a ratio to a baseline measured in the same run: a bare `python -c pass` (the
interpreter's own start). A second reference, `import typer`, is the floor of any Typer
command line, and the last columns are the cost above `daoshou --help` (wall and CPU) and
the CPU ratio to it; the last line is what opening a store adds (target: under 0.3 s).
Ratios travel between machines; seconds do not.

Commands run on an empty migrated store and on a populated one: `--listings` listings
with `--days` days of daily prices each, added in process and imported through the
public CLI (`daoshou import-history`, one file for all listings).

`python -X importtime -c "from tui.cli import main"` shows where the rest goes.

Recorded on the 2-core development machine, before -> after the command modules began to
import their libraries inside the commands (x baseline, medians of 7 runs):

    daoshou --help                          88.4 ->  9.7   (1.04 s -> 0.10 s)
    daoshou alerts --help                   93.6 -> 17.6
    daoshou cookies list --json             87.7 -> 17.7
    daoshou alerts protection --json        91.7 -> 45.1   (loads tracker.alerts: SQLAlchemy)
    daoshou extract PAGE --json             95.0 -> 25.6   (loads the extractors)
    daoshou list --json (opens the store)  111.0 -> 65.7   (SQLAlchemy, migrations check)

and after `list` began to read SQLite through the standard library (x baseline CPU,
medians of 5 runs under load 7): `list --json` on an empty store 22.6, on 240 listings x
3 years 23.0, against `--help` 11.0 and `cookies list --json` 21.9 (Typer's parameter
coercion imports pydantic): +0.17 s CPU over `--help`, inside the 0.3 s aimed at.

`history` then read through sqlite3 too (medians of 5 runs, load 6, bytecode written):
`history 1 --json` +0.19 s CPU over `--help` (0.31 s against 0.12 s), `--daily` +0.18 s,
`--limit 50` +0.14 s, where the old path (the SQLAlchemy reference line, without Typer)
costs +0.66 s; `list --json` +0.16 s on the empty store, +0.27 s on the full one.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tests" / "fixtures" / "pages" / "amazon-com-2.html"
DAOSHOU = "from tui.cli import main; main()"
EMPTY, FULL = "empty", "full"
# What `daoshou history 1 --json` did before it read through sqlite3 (without Typer).
HISTORY_VIA_SQLALCHEMY = (
    "from tracker.store.repository import Repository; from tui.cli.output import print_json;"
    " print_json(Repository().history(1))"
)

#: (label, store, python -c code, daoshou arguments)
CASES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("baseline: python -c pass", EMPTY, "pass", ()),
    ("reference: import typer", EMPTY, "import typer", ()),
    ("daoshou --help", EMPTY, DAOSHOU, ("--help",)),
    ("daoshou alerts --help", EMPTY, DAOSHOU, ("alerts", "--help")),
    ("daoshou cookies list --json", EMPTY, DAOSHOU, ("cookies", "list", "--json")),
    ("daoshou alerts protection --json", EMPTY, DAOSHOU, ("alerts", "protection", "--json")),
    ("daoshou extract PAGE --json", EMPTY, DAOSHOU, ("extract", str(PAGE), "--json")),
    ("daoshou list --json (empty store)", EMPTY, DAOSHOU, ("list", "--json")),
    ("daoshou list --json (full store)", FULL, DAOSHOU, ("list", "--json")),
    ("daoshou history 1 --json (full)", FULL, DAOSHOU, ("history", "1", "--json")),
    ("daoshou history 1 --daily --json", FULL, DAOSHOU, ("history", "1", "--daily", "--json")),
    ("daoshou history 1 --limit 50 --json", FULL, DAOSHOU, ("history", "1", "--limit", "50", "--json")),  # noqa: E501
    ("reference: history 1 via SQLAlchemy", FULL, HISTORY_VIA_SQLALCHEMY, ()),
)  # fmt: skip


def run_once(code: str, args: tuple[str, ...], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one `python -c code args...` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def populate(home: Path, listings: int, days: int) -> None:
    """`listings` listings with `days` daily prices each, imported through the CLI."""
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    code = (
        "import sys; from tracker.store.repository import Repository; r = Repository();"
        " [r.add_listing(f'https://item.jd.com/{100000 + i}.html', product=f'item {i % 60}')"
        " for i in range(int(sys.argv[1]))]"
    )
    subprocess.run([sys.executable, "-c", code, str(listings)], env=env, cwd=ROOT, check=True)
    start = date(2023, 1, 1)
    path = home / "history.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["series", "date", "price", "currency"])
        for listing in range(1, listings + 1):
            for day in range(days):
                price = f"{50 + (listing * 7 + day * 13) % 40}.{day % 100:02d}"
                out.writerow([listing, (start + timedelta(days=day)).isoformat(), price, "CNY"])
    subprocess.run(
        [sys.executable, "-c", DAOSHOU, "import-history", str(path), "--json"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--listings", type=int, default=240)
    parser.add_argument("--days", type=int, default=3 * 365)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        populate(Path(full), options.listings, options.days)
        envs = {}
        for name, home in ((EMPTY, empty), (FULL, full)):
            envs[name] = {**os.environ, "DAOSHOU_HOME": home}
            envs[name].pop("DAOSHOU_DATABASE_URL", None)
            # As an installed daoshou: modules have their bytecode (written by the warm-up).
            envs[name].pop("PYTHONDONTWRITEBYTECODE", None)
        # One untimed run of each case warms the OS file cache and writes the .pyc files.
        for _label, store, code, args in CASES:
            run_once(code, args, envs[store])
        results = {}
        for label, store, code, args in CASES:
            runs = [run_once(code, args, envs[store]) for _ in range(options.runs)]
            results[label] = (
                statistics.median(w for w, _ in runs),
                statistics.median(c for _, c in runs),
            )
    report(results, options)


def report(results: dict[str, tuple[float, float]], options: argparse.Namespace) -> None:
    base_wall, base_cpu = results[CASES[0][0]]
    help_wall, help_cpu = results["daoshou --help"]
    print(f"full store: {options.listings} listings x {options.days} days of daily prices")
    width = max(len(label) for label in results)
    print(
        f"{'case':<{width}}  {'wall s':>7}  {'x base':>6}  {'cpu s':>6}  {'x base':>6}"
        f"  {'wall-help':>9}  {'cpu-help':>8}  {'x help':>6}"
    )
    for label, (wall, cpu) in results.items():
        print(
            f"{label:<{width}}  {wall:7.3f}  {wall / base_wall:6.1f}  {cpu:6.3f}"
            f"  {cpu / base_cpu:6.1f}  {wall - help_wall:+9.3f}  {cpu - help_cpu:+8.3f}"
            f"  {cpu / help_cpu:6.2f}"
        )
    store_wall, store_cpu = results["daoshou list --json (empty store)"]
    print(
        f"\nopening a store (list --json, empty) costs {store_wall - help_wall:+.3f} s wall and"
        f" {store_cpu - help_cpu:+.3f} s CPU over daoshou --help (target: under 0.3 s),"
        f" {store_cpu / help_cpu:.2f}x its CPU"
    )


if __name__ == "__main__":
    main()
