"""Benchmark: how long `daoshou` takes to start, for help and for cheap commands.

    .venv/bin/python bench/cli.py [--runs 7]

Every command runs as a fresh process (as a user's shell runs it) on an empty
DAOSHOU_HOME; the table gives the median wall time of `--runs` runs and its ratio to a
baseline measured in the same run: a bare `python -c pass` (the interpreter's own start).
A second reference, `import typer`, is the floor of any Typer command line. Ratios travel
between machines; seconds do not.

`python -X importtime -c "from tui.cli import main"` shows where the rest goes.

Recorded on the 2-core development machine, before -> after the command modules began to
import their libraries inside the commands (x baseline, medians of 7 runs):

    daoshou --help                          88.4 ->  9.7   (1.04 s -> 0.10 s)
    daoshou alerts --help                   93.6 -> 17.6
    daoshou cookies list --json             87.7 -> 17.7
    daoshou alerts protection --json        91.7 -> 45.1   (loads tracker.alerts: SQLAlchemy)
    daoshou extract PAGE --json             95.0 -> 25.6   (loads the extractors)
    daoshou list --json (opens the store)  111.0 -> 65.7   (SQLAlchemy, migrations check)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "tests" / "fixtures" / "pages" / "amazon-com-2.html"
DAOSHOU = "from tui.cli import main; main()"

#: (label, python -c code, daoshou arguments)
CASES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("baseline: python -c pass", "pass", ()),
    ("reference: import typer", "import typer", ()),
    ("daoshou --help", DAOSHOU, ("--help",)),
    ("daoshou alerts --help", DAOSHOU, ("alerts", "--help")),
    ("daoshou cookies list --json", DAOSHOU, ("cookies", "list", "--json")),
    ("daoshou alerts protection --json", DAOSHOU, ("alerts", "protection", "--json")),
    ("daoshou extract PAGE --json", DAOSHOU, ("extract", str(PAGE), "--json")),
    ("daoshou list --json (opens the store)", DAOSHOU, ("list", "--json")),
)


def wall_time(code: str, args: tuple[str, ...], env: dict[str, str]) -> float:
    """Seconds from spawn to exit of one `python -c code args...` process."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DAOSHOU_HOME": home}
        env.pop("DAOSHOU_DATABASE_URL", None)
        # One untimed run of each case warms the OS file cache and writes the .pyc files.
        for _label, code, args in CASES:
            wall_time(code, args, env)
        medians = {
            label: statistics.median(wall_time(code, args, env) for _ in range(options.runs))
            for label, code, args in CASES
        }
    baseline = medians[CASES[0][0]]
    width = max(len(label) for label in medians)
    print(f"{'case':<{width}}  {'median s':>8}  {'x baseline':>10}")
    for label, seconds in medians.items():
        print(f"{label:<{width}}  {seconds:8.3f}  {seconds / baseline:10.1f}")


if __name__ == "__main__":
    main()
