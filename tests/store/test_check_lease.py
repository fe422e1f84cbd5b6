"""The per-listing check lease: one holder at a time, renewed, released, and expiring."""

import asyncio
import json
import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.checks.lease import LEASE_SECONDS, CheckLeases, describe_owner
from tracker.shop.client import FixtureShop
from tracker.store.tables import Listing, utcnow


class Clock:
    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now


@pytest.fixture
def listing(repo):
    return repo.add_listing("https://item.jd.com/100012043978.html")


def test_one_holder_at_a_time_until_released(repo, listing):
    first, second = CheckLeases(repo.engine), CheckLeases(repo.engine)
    assert first.claim(listing.id)
    assert not second.claim(listing.id)
    assert second.holder(listing.id) == first.owner
    assert first.renew(listing.id) and not second.renew(listing.id)
    second.release(listing.id)  # not its lease: nothing happens
    assert first.holder(listing.id) == first.owner
    first.release(listing.id)
    assert first.holder(listing.id) is None
    assert second.claim(listing.id)


def test_an_unrenewed_lease_expires_on_its_own(repo, listing):
    clock = Clock()
    dead = CheckLeases(repo.engine, clock=clock)
    other = CheckLeases(repo.engine, clock=clock)
    assert dead.claim(listing.id)
    clock.now += timedelta(seconds=LEASE_SECONDS - 1)
    assert not other.claim(listing.id)
    clock.now += timedelta(seconds=2)
    assert other.holder(listing.id) is None
    assert other.claim(listing.id)
    assert not dead.renew(listing.id), "a lapsed holder must not get its lease back"


def test_renewing_keeps_the_lease_past_its_first_end(repo, listing):
    clock = Clock()
    holder, other = CheckLeases(repo.engine, clock=clock), CheckLeases(repo.engine, clock=clock)
    assert holder.claim(listing.id)
    for _ in range(5):
        clock.now += timedelta(seconds=LEASE_SECONDS / 2)
        assert holder.renew(listing.id)
        assert not other.claim(listing.id)


def test_concurrent_claims_have_exactly_one_winner(repo, listing):
    contenders = [CheckLeases(repo.engine) for _ in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        won = list(pool.map(lambda leases: leases.claim(listing.id), contenders))
    assert won.count(True) == 1


def test_the_lease_of_an_ended_process_on_this_machine_is_taken_over(repo, listing):
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leases = CheckLeases(repo.engine)
    dead_owner = f"{socket.gethostname()}:{int(ended.stdout)}:feedbeef"
    alive_owner = f"{socket.gethostname()}:{os.getpid()}:feedbeef"
    elsewhere_owner = f"another-machine.invalid:{int(ended.stdout)}:feedbeef"
    for owner, taken in ((alive_owner, False), (elsewhere_owner, False), (dead_owner, True)):
        _force_owner(repo.engine, listing.id, owner)
        assert leases.claim(listing.id) is taken, owner
    assert leases.holder(listing.id) == leases.owner


def test_owners_are_described_for_people():
    here = f"{socket.gethostname()}:{os.getpid()}:0a1b2c3d"
    assert describe_owner("nas.invalid:4242:0a1b2c3d") == (
        "another daoshou process (pid 4242 on nas.invalid)"
    )
    assert describe_owner(here) == "another check in this process"


def _force_owner(engine, listing_id, owner):
    """Write a live lease as another process would have."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(Listing)
            .where(Listing.id == listing_id)
            .values(check_owner=owner, check_until=utcnow() + timedelta(seconds=LEASE_SECONDS))
        )


async def test_a_kept_lease_is_renewed_while_held_and_released_after(repo, listing):
    leases = CheckLeases(repo.engine, lease_seconds=0.4)  # renewed every 0.1 s
    other = CheckLeases(repo.engine)
    assert leases.claim(listing.id)
    ends = []
    async with leases.kept(listing.id):
        while len(set(ends)) < 3:  # two renewals seen, whatever the machine's speed
            ends.append(await asyncio.to_thread(_lease_end, repo.engine, listing.id))
            await asyncio.sleep(0.02)
    # Only the holder can move the end (renewing is conditional on the owner).
    assert ends == sorted(ends)
    assert leases.holder(listing.id) is None
    assert other.claim(listing.id)


async def test_a_failed_check_releases_its_lease(repo, listing):
    leases = CheckLeases(repo.engine)
    assert leases.claim(listing.id)
    with pytest.raises(RuntimeError):
        async with leases.kept(listing.id):
            raise RuntimeError("the check failed")
    assert leases.holder(listing.id) is None


def test_daoshou_check_in_another_process_respects_the_lease(repo, store_url, tmp_path):
    # On every backend: this test process holds the lease, a real `daoshou check` skips.
    with FixtureShop.start() as shop:
        shop.set_product("kettle", price="59.00")
        listing = repo.add_listing(shop.product_url("kettle"))
        leases = CheckLeases(repo.engine)
        assert leases.claim(listing.id)
        skipped = _daoshou_check(listing.id, store_url, tmp_path)
        leases.release(listing.id)
        checked = _daoshou_check(listing.id, store_url, tmp_path)
        fetches = [r for r in shop.settled_log() if r.path == "/product/kettle"]
    assert skipped["fetch"] == "leased" and skipped["observation"] is None
    assert checked["fetch"] == "ok" and checked["observation"]["price"] == "59.00"
    assert len(fetches) == 1


def _daoshou_check(listing_id, store_url, home):
    env = {**os.environ, "DAOSHOU_HOME": str(home), "DAOSHOU_DATABASE_URL": store_url}
    command = [sys.executable, "-c", "from tui.cli import main; main()", "check"]
    out = subprocess.run(
        [*command, str(listing_id), "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [outcome] = json.loads(out)
    return outcome


def _lease_end(engine, listing_id):
    with engine.connect() as conn:
        return conn.execute(sa.select(Listing.check_until).where(Listing.id == listing_id)).scalar()
