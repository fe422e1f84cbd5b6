"""Benchmark: what an idle `daoshou run` costs with a big watchlist (Linux: reads /proc).

    .venv/bin/python bench/run_idle.py [--listings 10000] [--days 2] [--minutes 3]

Two stores in this one run: an empty one (the baseline) and one of `--listings` listings
with `--days` days of 4-hourly prices (`bench/watchlist.py`, the store's bulk path), none
due for the next four hours. `daoshou run` starts on each as a real process; once it
says it is checking, its resident memory and CPU time (user + system, from /proc) are
sampled every few seconds for `--minutes`. Printed: start-up CPU, idle CPU per minute,
peak RSS, each beside the empty store's (a ratio), and the checks the idle run did (none
expected). Targets (issue "a big watchlist"): under 150 MB and 0.1 s CPU a minute.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.watchlist import seed_watchlist  # noqa: E402
from tracker.store import db  # noqa: E402
from tracker.store.tables import utcnow  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Idle:
    """One `daoshou run`'s costs: CPU seconds to start, CPU seconds a minute idle, peak MB."""

    startup_cpu: float
    cpu_per_minute: float
    peak_mb: float
    checks: int


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20


def measure(home: Path, minutes: float) -> Idle:
    """Start `daoshou run` on `home`, wait until it checks, sample it for `minutes`."""
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    env.pop("DAOSHOU_DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    checking = threading.Event()
    threading.Thread(target=_watch, args=(process, checking), daemon=True).start()
    try:
        if not checking.wait(300):
            raise RuntimeError("daoshou run did not start checking within 300 s")
        time.sleep(2)  # let the first dispatch ticks and the start-up work settle
        started, peak = cpu_seconds(process.pid), rss_mb(process.pid)
        deadline = time.monotonic() + minutes * 60
        while time.monotonic() < deadline:
            time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
            peak = max(peak, rss_mb(process.pid))
        idle = (cpu_seconds(process.pid) - started) / minutes
    finally:
        process.terminate()
        process.wait(timeout=60)
    return Idle(started, idle, peak, _checks(home))


def _watch(process: subprocess.Popen[str], checking: threading.Event) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if "checking listings" in line:
            checking.set()


def _checks(home: Path) -> int:
    engine = db.open_engine(f"sqlite:///{home / 'data' / 'daoshou.sqlite'}")
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM fetchattempt").scalar_one()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=3.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as empty, tempfile.TemporaryDirectory() as full:
        for home in (empty, full):
            (Path(home) / "data").mkdir()
        engine = db.open_engine(f"sqlite:///{Path(full) / 'data' / 'daoshou.sqlite'}")
        db.open_engine(f"sqlite:///{Path(empty) / 'data' / 'daoshou.sqlite'}")
        rows = seed_watchlist(engine, listings=options.listings, days=options.days, now=utcnow())
        db.dispose_engines()
        base = measure(Path(empty), options.minutes)
        big = measure(Path(full), options.minutes)
        db.dispose_engines()
    print(f"{options.listings} listings, {rows} observations; idle for {options.minutes:g} min")
    print(f"{'':<28} {'empty store':>12} {'watchlist':>12} {'x empty':>8}")
    for label, attr, unit in (
        ("start-up CPU", "startup_cpu", "s"),
        ("idle CPU a minute", "cpu_per_minute", "s"),
        ("peak RSS", "peak_mb", "MB"),
    ):
        a, b = getattr(base, attr), getattr(big, attr)
        ratio = f"{b / a:8.2f}" if a else f"{'-':>8}"
        print(f"{label + ' (' + unit + ')':<28} {a:12.3f} {b:12.3f} {ratio}")
    print(f"{'checks done while idle':<28} {base.checks:12d} {big.checks:12d}")


if __name__ == "__main__":
    main()
