"""One check per listing across real processes: `daoshou check`, `daoshou run`, a kill.

The check lease is what keeps separate processes apart; these tests run the real
commands against the fixture shop and read the shop's request log, which records every
fetch with its arrival and answer times.
"""

import json
import os
import signal
import subprocess
import sys
from itertools import pairwise

import sqlalchemy as sa

from tracker.checks.lease import CheckLeases
from tracker.store import db
from tracker.store.tables import Listing

from .conftest import start_daoshou_run, wait_until


def _daoshou(home, *args, **popen):
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    env.pop("DAOSHOU_DATABASE_URL", None)
    command = [sys.executable, "-c", "from tui.cli import main; main()", *args]
    return subprocess.Popen(command, env=env, **popen)


def _check_json(home, listing_id):
    """`daoshou check ID --json` to completion; its one outcome."""
    process = _daoshou(home, "check", str(listing_id), "--json", stdout=subprocess.PIPE)
    out, _err = process.communicate(timeout=120)
    assert process.returncode == 0
    [outcome] = json.loads(out)
    return outcome


def _fetches(shop, url, *, settled=False):
    """The shop's requests for the listing's page (`settled`: each with its answer time)."""
    path = url.removeprefix(shop.base_url())
    return [r for r in (shop.settled_log() if settled else shop.log()) if r.path == path]


def _service_log(home):
    log_file = home / "logs" / "daoshou-run.log"
    return log_file.read_text(encoding="utf-8") if log_file.exists() else ""


def _lease_owner(repo, listing_id):
    with repo.engine.connect() as conn:
        query = sa.select(Listing.check_owner).where(Listing.id == listing_id)
        return conn.execute(query).scalar()


def test_a_leased_listing_is_skipped_by_check_and_by_run(add_products, home, repo, shop):
    [listing] = add_products(1)
    # This test process plays the other daoshou process that is checking the listing.
    lease = CheckLeases(repo.engine)
    assert lease.claim(listing.id)
    outcome = _check_json(home, listing.id)
    assert outcome["fetch"] == "leased" and outcome["observation"] is None
    assert outcome["summary"].startswith(
        f"being checked by another daoshou process (pid {os.getpid()} on "
    )
    service = start_daoshou_run(home)
    try:
        wait_until(
            lambda: f"listing {listing.id}: being checked" in _service_log(home),
            what="the service to skip the leased listing",
        )
        assert _fetches(shop, listing.url) == []
    finally:
        service.send_signal(signal.SIGTERM)
        service.communicate(timeout=60)
    assert service.returncode == 0
    lease.release(listing.id)
    assert _check_json(home, listing.id)["fetch"] == "ok"
    assert len(_fetches(shop, listing.url, settled=True)) == 1


def test_check_and_run_at_once_never_fetch_one_listing_together(add_products, home, repo, shop):
    [listing] = add_products(1)
    slug = listing.url.rsplit("/", 1)[1]
    shop.fault(slug, "slow", count=2, seconds=8)  # both processes' fetches would be slow
    service = start_daoshou_run(home)
    try:
        wait_until(lambda: _fetches(shop, listing.url) or None, what="the service's fetch")
        outcome = _check_json(home, listing.id)
        wait_until(lambda: repo.history(listing.id), what="the service's observation")
    finally:
        service.send_signal(signal.SIGTERM)
        service.communicate(timeout=60)
    fetches = _fetches(shop, listing.url, settled=True)
    for earlier, later in pairwise(fetches):
        assert later.t >= earlier.t_end, "two processes fetched the listing at the same time"
    # The check started while the service's slow fetch was in flight: it stood aside.
    assert outcome["fetch"] == "leased", outcome
    assert len(fetches) == 1 and len(repo.history(listing.id)) == 1


def test_a_check_killed_mid_fetch_loses_nothing_and_blocks_nothing(add_products, home, repo, shop):
    [listing] = add_products(1, price="12.00")
    assert _check_json(home, listing.id)["observation"]["price"] == "12.00"
    before = repo.history(listing.id)
    slug = listing.url.rsplit("/", 1)[1]
    shop.set_product(slug, price="11.00")
    shop.fault(slug, "slow", seconds=30)
    killed = _daoshou(home, "check", str(listing.id), stdout=subprocess.DEVNULL)
    try:
        wait_until(lambda: len(_fetches(shop, listing.url)) == 2, what="the check to fetch")
    finally:
        killed.kill()
        killed.communicate(timeout=30)
    assert killed.returncode == -signal.SIGKILL
    assert f":{killed.pid}:" in _lease_owner(repo, listing.id)  # left behind by the kill
    db.dispose_engines()
    assert repo.history(listing.id) == before
    # On this machine a lease whose process is gone is taken over at once.
    outcome = _check_json(home, listing.id)
    assert outcome["fetch"] == "ok" and outcome["observation"]["price"] == "11.00"
    assert _lease_owner(repo, listing.id) is None
