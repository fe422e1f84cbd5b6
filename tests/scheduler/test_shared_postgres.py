"""Four `daoshou run` processes (four "machines") share the checking of one PostgreSQL store.

Real processes against a loopback shop of 20 hosts (20 listeners): every due listing is
checked exactly once per round by one of them, all of them take part, and a SIGKILL of
one mid-round loses no committed observation while the others take over the listings it
had claimed. Four, not two: with two, "the other one" takes everything over; with four,
three survivors compete for the dead one's lapsed claims through `SKIP LOCKED`, which
is where a listing could be taken twice. Pages are slow in both rounds, so no process
can drain a round before the others dispatch, and the suite pays seconds for it.
"""

import os
import signal
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.postgres_fixture import postgres_url  # noqa: F401  (a fresh database per test)
from tracker.shop.client import FixtureShop
from tracker.store import db
from tracker.store.repository import Repository

from .conftest import make_due, wait_until

pytestmark = pytest.mark.postgres

HOSTS, PER_HOST = 20, 3
# A long interval, so a second observation of a listing within the test can only be a
# listing checked twice in one interval; a short claim, so a dead process's claims lapse
# within the test.
SHARED_SETTINGS = """
[checks]
interval_minutes = 600
jitter_minutes = 0
claim_seconds = 5
[fetch]
min_delay_seconds = 0.05
max_concurrency = 4
"""


@pytest.fixture
def shop20():
    with FixtureShop.start(listeners=HOSTS) as running:
        yield running


def _machine(
    tmp_path: Path, name: str, url: str, settings: str = SHARED_SETTINGS
) -> dict[str, str]:
    """The environment of one "machine": its own home and settings, the shared store."""
    config = tmp_path / name / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text(settings, encoding="utf-8")
    return {**os.environ, "DAOSHOU_HOME": str(tmp_path / name), "DAOSHOU_DATABASE_URL": url}


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _observations(engine: sa.Engine) -> list[tuple]:
    query = "SELECT id, listing_id, observed_at, price, currency FROM observation ORDER BY id"
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(query))]


def _dispatching(env: dict[str, str]) -> bool:
    """Whether one process has started dispatching checks (its log says so)."""
    log = Path(env["DAOSHOU_HOME"]) / "logs" / "daoshou-run.log"
    return log.exists() and "tracker service: checking listings" in log.read_text("utf-8")


def _checked_by(env: dict[str, str]) -> int:
    """How many checks one process logged as done ("listing N: ..." lines)."""
    log = Path(env["DAOSHOU_HOME"]) / "logs" / "daoshou-run.log"
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    return sum(1 for line in text.splitlines() if " listing " in line and ": " in line)


def _round(engine: sa.Engine, expected_per_listing: int, listings: int):
    """Wait until every listing has `expected_per_listing` observations; the observations."""

    def done():
        rows = _observations(engine)
        counts = Counter(row[1] for row in rows)
        return (
            rows
            if len(counts) == listings and min(counts.values()) >= expected_per_listing
            else None
        )

    return wait_until(done, timeout=120, what=f"round {expected_per_listing} of checks")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    process.communicate(timeout=60)


def test_four_services_share_checks_and_survive_a_sigkill(postgres_url, shop20, tmp_path):  # noqa: F811
    repo = Repository(db.open_engine(postgres_url))
    slugs = [f"h{h:02d}n{n}" for h in range(HOSTS) for n in range(PER_HOST)]
    listings = []
    for i, slug in enumerate(slugs):
        shop20.set_product(slug, price="10.00")
        shop20.fault(slug, "slow", seconds=0.5)
        listings.append(repo.add_listing(shop20.product_url(slug, listener=i // PER_HOST)))
    machines = [_machine(tmp_path, name, postgres_url) for name in ("a", "b", "c", "d")]
    processes = [_start(machine) for machine in machines]
    try:
        # Round 1, once every process dispatches: each listing checked once, by one of them.
        wait_until(lambda: all(_dispatching(m) for m in machines), 120, "four services")
        make_due(repo.engine, listings)
        seen = _round(repo.engine, 1, len(listings))
        counts = Counter(row[1] for row in _observations(repo.engine))
        assert set(counts.values()) == {1}, "a listing was checked twice in one interval"
        assert {row[1] for row in seen} == {v.id for v in listings}
        # Round 2: slow pages at a new price, so checks are in flight when one process dies.
        for slug in slugs:
            shop20.set_product(slug, price="8.00")
            shop20.fault(slug, "slow", seconds=2)
        shop20.clear_log()
        make_due(repo.engine, listings)
        wait_until(lambda: len(_observations(repo.engine)) >= len(listings) + 4, what="round 2")
        processes[0].kill()
        processes[0].communicate(timeout=30)
        assert processes[0].returncode == -signal.SIGKILL
        after = _round(repo.engine, 2, len(listings))
    finally:
        for process in processes:
            _stop(process)
    assert after[: len(seen)] == seen, "a committed observation changed or vanished"
    counts = Counter(row[1] for row in after)
    assert set(counts.values()) == {2}, "a listing was skipped or checked twice after the kill"
    statuses = repo.listing_statuses()
    assert {s.latest.price for s in statuses} == {Decimal("8.00")}, "round 2 read the new price"
    assert all(_checked_by(m) for m in machines), "every process took part in the checking"
    assert [p.returncode for p in processes[1:]] == [0, 0, 0]
