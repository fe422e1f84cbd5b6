"""Benchmark: 1, 2 and 4 `daoshou run` processes ("machines") checking one PostgreSQL store.

    .venv/bin/python bench/run_shared.py [--url postgresql+psycopg://postgres@host/postgres]
        [--listings 240] [--hosts 20] [--latency 0.5] [--processes 1 2 4]

The server URL comes from `--url` or `DAOSHOU_TEST_POSTGRES_URL`; the bench creates a
database of its own for every run and drops it afterwards. Each process has its own home
and settings (its own "machine"); all share the store and a loopback fixture shop of
`--hosts` listeners, run as its own process. Every page takes `--latency` seconds to
arrive, so a process is bound by its `max_concurrency` requests in flight, as a real one
is bound by the shops' answer times, not by this machine's two cores.

Two politeness settings, each with 1, 2 and 4 processes:

- below the budget: a short per-host delay, whose ceiling (hosts / delay checks per
  second) is above what four processes reach: throughput should grow with processes;
- at the budget: a long per-host delay, whose ceiling one process nearly reaches: more
  processes must not check faster than the hosts allow.

One round per run: the processes start on a store with nothing due, and once all are
dispatching, every listing is made due at once. Measured from then until every listing
has its observation: checks stored per second of wall time, the processes' CPU seconds
per check (from /proc, so Linux only), and the ratios to 1 process in the same setting.
Then, after a pause of a few dispatch ticks: listings checked twice in the round and
listings never checked (both must be 0); and from the shop's own log, the shortest gap
between two requests to one host (pages and robots.txt alike, from any process) and how
many gaps fell under the delay (less the clock's resolution) and under 95% of it:
politeness holds when both counts are 0. Then the median gap between two page requests
to one host (a host kept at its budget shows about the delay), and the robots.txt
requests (each process reads each host's once, in the host's turns like any page).
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

# Run as a script, bench/ would come first on sys.path and `bench/tui.py` would shadow the
# `tui` package: the project root takes its place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from tracker.shop.client import FixtureShop  # noqa: E402
from tracker.store import db  # noqa: E402
from tracker.store.repository import Repository  # noqa: E402
from tracker.store.tables import Listing, utcnow  # noqa: E402

SETTINGS = """
[checks]
interval_minutes = 600
jitter_minutes = 0
claim_seconds = 60
[fetch]
min_delay_seconds = {delay}
max_concurrency = {concurrency}
per_host_concurrency = 2
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Setting:
    name: str
    delay: float  # seconds between two requests to one host

    def ceiling(self, hosts: int) -> float:
        """The politeness budget: checks per second all hosts together allow."""
        return hosts / self.delay


@dataclass(frozen=True)
class HostGaps:
    """Seconds between the starts of two requests to one host, as the shop saw them."""

    shortest: float  # politeness: never below the delay (any request, any process)
    under: int  # gaps under the delay, less the clock's resolution
    short: int  # gaps under 95% of the delay
    median: float  # between two page requests; a host kept at its budget: about the delay
    robots: int  # robots.txt requests (one per process and host)


@dataclass(frozen=True)
class Round:
    processes: int
    checks: int
    wall: float
    cpu: float  # CPU seconds of all the processes during the round
    twice: int  # listings with more than one observation
    skipped: int  # listings with none
    gaps: HostGaps

    @property
    def rate(self) -> float:
        return self.checks / self.wall


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new empty database on the server, dropped afterwards; its URL."""
    name = f"daoshou_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        db.dispose_engines()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_machine(home: Path, url: str, settings: str) -> subprocess.Popen[bytes]:
    """`daoshou run` with its own home and settings on the shared store."""
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text(settings, encoding="utf-8")
    env = {**os.environ, "DAOSHOU_HOME": str(home), "DAOSHOU_DATABASE_URL": url}
    return subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def dispatching(home: Path) -> bool:
    log = home / "logs" / "daoshou-run.log"
    return log.exists() and "tracker service: checking listings" in log.read_text("utf-8")


def cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User and system CPU seconds of a running process (all its threads)."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def observed_per_listing(engine: sa.Engine) -> Counter[int]:
    with engine.connect() as conn:
        return Counter(conn.execute(sa.text("SELECT listing_id FROM observation")).scalars())


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.05)


def add_listings(repo: Repository, shop: FixtureShop, count: int, hosts: int) -> list[int]:
    """`count` listings spread evenly over the shop's hosts, not due for a day."""
    ids = []
    for i in range(count):
        slug = f"b{i:05d}"
        shop.set_product(slug, price="10.00")
        ids.append(repo.add_listing(shop.product_url(slug, listener=i % hosts)).id)
    later = sa.update(Listing).values(next_check_at=utcnow() + timedelta(days=1))
    with repo.engine.begin() as conn:
        conn.execute(later)
    return ids


def one_round(args: argparse.Namespace, setting: Setting, processes: int, url: str) -> Round:
    """Start `processes` machines on a fresh store, make every listing due, time the round."""
    settings = SETTINGS.format(delay=setting.delay, concurrency=args.concurrency)
    with (
        FixtureShop.start(listeners=args.hosts) as shop,
        tempfile.TemporaryDirectory(prefix="daoshou-shared-") as scratch,
    ):
        repo = Repository(db.open_engine(url))
        ids = add_listings(repo, shop, args.listings, args.hosts)
        homes = [Path(scratch) / f"machine{n}" for n in range(processes)]
        machines = [start_machine(home, url, settings) for home in homes]
        try:
            wait_for(lambda: all(dispatching(h) for h in homes), 120, "every process to start")
            for i in range(args.listings):
                shop.fault(f"b{i:05d}", "slow", seconds=args.latency)
            shop.clear_log()
            cpu = sum(cpu_seconds(m) for m in machines)
            started = time.perf_counter()
            with repo.engine.begin() as conn:
                conn.execute(sa.update(Listing).values(next_check_at=utcnow()))
            expected = set(ids)
            wait_for(lambda: set(observed_per_listing(repo.engine)) >= expected, 600, "the round")
            wall = time.perf_counter() - started
            cpu = sum(cpu_seconds(m) for m in machines) - cpu
            time.sleep(3)  # a few dispatch ticks: a listing taken twice would show now
            counts = observed_per_listing(repo.engine)
            gaps = host_gaps(shop, setting.delay)
        finally:
            for machine in machines:
                machine.send_signal(signal.SIGTERM)
            for machine in machines:
                machine.wait(timeout=60)
    return Round(
        processes=processes,
        checks=sum(counts.values()),
        wall=wall,
        cpu=cpu,
        twice=sum(1 for n in counts.values() if n > 1),
        skipped=len(expected - set(counts)),
        gaps=gaps,
    )


def host_gaps(shop: FixtureShop, delay: float) -> HostGaps:
    every: dict[int, list[float]] = {}
    pages: dict[int, list[float]] = {}
    robots = 0
    for record in shop.settled_log():
        every.setdefault(record.port, []).append(record.t)
        if record.path.endswith("robots.txt"):
            robots += 1
        else:
            pages.setdefault(record.port, []).append(record.t)
    gaps = _gaps(every)
    if not gaps:
        return HostGaps(0.0, 0, 0, 0.0, robots)
    resolution = time.get_clock_info("monotonic").resolution
    under = sum(1 for gap in gaps if gap < delay - resolution)
    short = sum(1 for gap in gaps if gap < 0.95 * delay)
    return HostGaps(gaps[0], under, short, statistics.median(_gaps(pages) or [0.0]), robots)


def _gaps(starts: dict[int, list[float]]) -> list[float]:
    return sorted(b - a for t in starts.values() for a, b in itertools.pairwise(sorted(t)))


def report(args: argparse.Namespace, setting: Setting, rounds: list[Round]) -> None:
    ceiling = setting.ceiling(args.hosts)
    per_host = args.listings / args.hosts
    print(
        f"\n{setting.name}: {args.hosts} hosts, {setting.delay:g} s between requests to one "
        f"host: ceiling {ceiling:.1f} checks/s ({1 / setting.delay:.2f}/s per host); "
        f"{args.listings} listings ({per_host:g} per host), pages {args.latency:g} s, "
        f"{args.concurrency} in flight per process"
    )
    header = (
        f"{'processes':>9} {'checks':>6} {'wall s':>7} {'checks/s':>8} {'x 1 proc':>8}"
        f" {'/ceiling':>8} {'CPU ms/check':>12} {'x 1 proc':>8} {'twice':>5} {'skipped':>7}"
        f" {'min gap s':>9} {'< delay':>7} {'< 95%':>5} {'median page gap s':>17}"
        f" {'robots.txt':>10}"
    )
    print(header)
    base = rounds[0]
    for r in rounds:
        cpu = r.cpu / r.checks
        print(
            f"{r.processes:>9} {r.checks:>6} {r.wall:>7.1f} {r.rate:>8.2f}"
            f" {r.rate / base.rate:>8.2f} {r.rate / ceiling:>8.2f} {cpu * 1000:>12.1f}"
            f" {cpu / (base.cpu / base.checks):>8.2f} {r.twice:>5} {r.skipped:>7}"
            f" {r.gaps.shortest:>9.3f} {r.gaps.under:>7} {r.gaps.short:>5}"
            f" {r.gaps.median:>17.2f} {r.gaps.robots:>10}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("DAOSHOU_TEST_POSTGRES_URL"))
    parser.add_argument("--listings", type=int, default=240)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per page")
    parser.add_argument("--concurrency", type=int, default=2, help="in flight per process")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--below-delay", type=float, default=0.25)
    parser.add_argument("--at-delay", type=float, default=4.0)
    args = parser.parse_args()
    if not args.url:
        parser.error("give a PostgreSQL server: --url or DAOSHOU_TEST_POSTGRES_URL")
    settings = [
        Setting("below the politeness budget", args.below_delay),
        Setting("at the politeness budget", args.at_delay),
    ]
    for setting in settings:
        rounds = []
        for processes in args.processes:
            with fresh_database(args.url) as url:
                rounds.append(one_round(args, setting, processes, url))
        report(args, setting, rounds)


if __name__ == "__main__":
    main()
