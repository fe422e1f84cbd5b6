"""Politeness across processes, as the shop sees it: three `daoshou run` processes on one
PostgreSQL store never send two requests to one host closer than its delay.

The shop logs when each request arrives (its own clock, in its own process); the test
reads every gap between two requests to one host, pages and robots.txt alike, whoever
sent them, and holds each to the host's delay, less only the clock's resolution. This is
the property itself, not a timing of daoshou's code: how long anything took does not
enter. The setting makes requests late on purpose: each process has one request in
flight per host (`per_host_concurrency = 1`) and pages take longer than the delay, so a
request whose turn comes while its host's one slot is busy is late; it must take a new
turn rather than land next to the turn another process holds.
"""

import itertools
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from tests.postgres_fixture import postgres_url  # noqa: F401  (a fresh database per test)
from tests.processes import daoshou_process
from tracker.store import db
from tracker.store.repository import Repository

from .conftest import make_due, wait_until
from .test_shared_postgres import _dispatching, _machine, _start, _stop
from .test_shared_postgres import shop20 as shop20  # the loopback shop of 20 hosts

pytestmark = pytest.mark.postgres

HOSTS, PER_HOST, PROCESSES = 3, 4, 3
DELAY = 0.5
POLITE_SETTINGS = f"""
[checks]
interval_minutes = 600
jitter_minutes = 0
claim_seconds = 60
[fetch]
min_delay_seconds = {DELAY}
max_concurrency = 1
per_host_concurrency = 1
turn_window_seconds = 0.1
"""


def _checked(engine: sa.Engine) -> Counter[int]:
    with engine.connect() as conn:
        return Counter(conn.execute(sa.text("SELECT listing_id FROM observation")).scalars())


def test_requests_to_one_host_keep_its_delay_across_processes(postgres_url, shop20, tmp_path):  # noqa: F811
    repo = Repository(db.open_engine(postgres_url))
    listings = []
    for i in range(HOSTS * PER_HOST):
        slug = f"p{i:02d}"
        shop20.set_product(slug, price="10.00")
        shop20.fault(slug, "slow", seconds=2 * DELAY)
        listings.append(repo.add_listing(shop20.product_url(slug, listener=i % HOSTS)))
    machines = [
        _machine(tmp_path, f"m{n}", postgres_url, POLITE_SETTINGS) for n in range(PROCESSES)
    ]
    processes = [_start(machine) for machine in machines]
    try:
        wait_until(lambda: all(_dispatching(m) for m in machines), 120, "three services")
        shop20.clear_log()
        make_due(repo.engine, listings)
        wait_until(lambda: len(_checked(repo.engine)) == len(listings), 120, "every check")
        time.sleep(1)  # a request still in flight would be logged by now
    finally:
        for process in processes:
            _stop(process)
    assert set(_checked(repo.engine).values()) == {1}, "each listing checked once"
    gaps, too_close = _gaps_under(shop20, DELAY)
    assert gaps >= HOSTS * (PER_HOST - 1), "every host saw all its listings' pages"
    assert not too_close, f"requests to one host closer than its {DELAY} s delay: {too_close}"


def _gaps_under(shop, delay: float) -> tuple[int, list[float]]:
    """How many gaps the shop's log has between two requests to one host, and those
    closer than `delay` (less the clock's resolution)."""
    arrivals: dict[int, list[float]] = defaultdict(list)
    for record in shop.settled_log():
        arrivals[record.port].append(record.t)
    resolution = time.get_clock_info("monotonic").resolution
    gaps = [b - a for t in arrivals.values() for a, b in itertools.pairwise(sorted(t))]
    return len(gaps), [round(gap, 4) for gap in gaps if gap < delay - resolution]


def test_checks_by_hand_beside_each_other_keep_the_delay(postgres_url, shop20, tmp_path):  # noqa: F811
    """`daoshou check` on a shared store takes its turns from the store as the services
    do: two of them started together, on listings of the same hosts, keep each host's
    delay between them (each process alone would keep it only among its own requests)."""
    repo = Repository(db.open_engine(postgres_url))
    for i in range(HOSTS * PER_HOST):
        slug = f"c{i:02d}"
        shop20.set_product(slug, price="10.00")
        repo.add_listing(shop20.product_url(slug, listener=i % HOSTS))
    machines = [_machine(tmp_path, f"h{n}", postgres_url, POLITE_SETTINGS) for n in range(2)]
    shop20.clear_log()
    with ThreadPoolExecutor(len(machines)) as pool:
        runs = list(pool.map(lambda env: daoshou_process(env, "check", "--json"), machines))
    assert all(run.returncode == 0 for run in runs), [run.stderr[-2000:] for run in runs]
    # Each listing is checked by one process; the other finds it leased and skips it.
    assert set(_checked(repo.engine).values()) == {1}
    assert len(_checked(repo.engine)) == HOSTS * PER_HOST
    gaps, too_close = _gaps_under(shop20, DELAY)
    assert gaps >= HOSTS * (PER_HOST - 1), "every host saw all its listings' pages"
    assert not too_close, f"requests to one host closer than its {DELAY} s delay: {too_close}"
