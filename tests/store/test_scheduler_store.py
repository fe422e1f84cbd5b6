"""The schedule and the work queue live in daoshou's own database, on every backend."""

import asyncio
import time
from datetime import timedelta

import sqlalchemy as sa

from tracker.checks import dispatch
from tracker.checks.scheduler import TrackerService
from tracker.checks.turns import StoreTurns
from tracker.settings import Settings
from tracker.shop.client import FixtureShop
from tracker.store.tables import Listing, utcnow


def _column(repo, listing_id, name):
    with repo.engine.connect() as conn:
        query = sa.text(f"SELECT {name} FROM listing WHERE id = :id")  # noqa: S608
        return conn.execute(query, {"id": listing_id}).scalar()


async def test_a_stored_check_plans_the_next_and_clears_its_lease(repo):
    with FixtureShop.start() as shop:
        shop.set_product("kettle", price="59.00")
        listing = repo.add_listing(shop.product_url("kettle"))
        with repo.engine.begin() as conn:
            conn.execute(sa.text("UPDATE listing SET next_check_at = :at"), {"at": utcnow()})
        service = TrackerService(
            repo, Settings(min_delay_seconds=0.0, interval_minutes=60, jitter_minutes=0)
        )
        stop = asyncio.Event()
        task = asyncio.create_task(service.run(stop))
        try:
            for _ in range(600):
                if await asyncio.to_thread(repo.history, listing.id):
                    break
                await asyncio.sleep(0.05)
        finally:
            stop.set()
            await task
    assert [o.price for o in repo.history(listing.id)] == [59]
    assert _column(repo, listing.id, "check_owner") is None
    assert not dispatch.any_due(repo.engine, utcnow() + timedelta(minutes=59))
    assert dispatch.any_due(repo.engine, utcnow() + timedelta(minutes=61, seconds=1))


def _all_due(repo, urls):
    """Track `urls`, all due a second ago; their ids and the moment they are due by."""
    ids = [repo.add_listing(url).id for url in urls]
    now = utcnow()
    with repo.engine.begin() as conn:
        due = now - timedelta(seconds=1)
        conn.execute(sa.text("UPDATE listing SET next_check_at = :at"), {"at": due})
    return ids, now


def test_claims_respect_each_hosts_delay_and_expire(repo):
    urls = [f"http://127.0.0.{h}:8000/product/p{i}" for h in (1, 2) for i in range(5)]
    ids, now = _all_due(repo, urls)
    take = {
        "limit": 10,
        "delay_for": lambda host: 1.0,
        "horizon": timedelta(seconds=2),
        "claim": timedelta(seconds=30),
    }
    first = dispatch.claim_due(repo.engine, now, **take)
    # Two slots per host fit in the two-second horizon at a one-second delay.
    starts = sorted((dispatch.host_of(urls[ids.index(c.listing_id)]), c.start_at) for c in first)
    assert [host for host, _ in starts] == ["127.0.0.1:8000"] * 2 + ["127.0.0.2:8000"] * 2
    assert starts[1][1] - starts[0][1] == timedelta(seconds=1)
    # The hosts' budgets are spent: nothing more now, whoever asks.
    assert dispatch.claim_due(repo.engine, now, **take) == []
    # Later, the rest; and once the claims expire, the first four are due again.
    later = dispatch.claim_due(repo.engine, now + timedelta(seconds=2), **take)
    assert not {c.listing_id for c in later} & {c.listing_id for c in first}
    # Once the claims expire (their takers died), every listing is due again.
    listing = Listing.__table__
    due = sa.select(listing.c.id).where(listing.c.next_check_at <= now + timedelta(seconds=33))
    with repo.engine.connect() as conn:
        assert set(conn.execute(due).scalars()) == set(ids)


def test_first_checks_are_spread_over_the_interval(repo):
    ids = [repo.add_listing(f"http://127.0.0.1:8000/product/p{i}").id for i in range(40)]
    now = utcnow()
    interval = timedelta(hours=4)
    assert dispatch.plan_new(repo.engine, lambda minutes: interval, now) == 40
    assert dispatch.plan_new(repo.engine, lambda minutes: interval, now) == 0
    offsets = [dispatch.first_offset(i, interval) for i in ids]
    assert all(timedelta(0) <= o < interval for o in offsets)
    # Spread: every quarter of the interval gets some of them.
    assert {int(o / (interval / 4)) for o in offsets} == {0, 1, 2, 3}
    assert not dispatch.any_due(repo.engine, now - timedelta(seconds=1))


def _claim(repo, now, **overrides):
    """`claim_due` of up to 10 listings at a one-second delay, a 3 s horizon by default."""
    take = {
        "limit": 10,
        "delay_for": lambda host: 1.0,
        "horizon": timedelta(seconds=3),
        "claim": timedelta(seconds=30),
    }
    return dispatch.claim_due(repo.engine, now, **{**take, **overrides})


def test_a_host_whose_robots_txt_is_read_first_gives_its_first_claim_two_turns(repo):
    """Reading robots.txt is a request to the host, and the page then waits the delay
    after it: past its own turn. So the first claim of that host takes two turns, and the
    next turn handed out (to any process) is two delays later."""
    urls = [f"http://127.0.0.{h}:8000/product/p{i}" for h in (1, 2) for i in range(3)]
    ids, now = _all_due(repo, urls)
    first = _claim(repo, now, reads_robots_first=lambda url: "127.0.0.1" in url)  # 2's cached
    starts: dict[str, list[timedelta]] = {}
    for claim in first:
        host = dispatch.host_of(urls[ids.index(claim.listing_id)])
        starts.setdefault(host, []).append(claim.start_at - now)
    assert starts["127.0.0.1:8000"] == [timedelta(0), timedelta(seconds=2)]
    assert starts["127.0.0.2:8000"] == [timedelta(0), timedelta(seconds=1), timedelta(seconds=2)]
    # The two turns of host 1's first claim: its robots.txt's, then its page's.
    robots_first = next(c for c in first if c.host == "127.0.0.1:8000")
    assert [t - now for t in robots_first.turns] == [timedelta(0), timedelta(seconds=1)]


def test_turns_keep_two_windows_over_the_delay_and_requests_reserve_their_own(repo):
    """A request may leave up to a window after its turn starts, so turns are the delay
    plus two windows apart; a request no claim covers reserves the next turn itself."""
    urls = [f"http://127.0.0.1:8000/product/p{i}" for i in range(3)]
    _, now = _all_due(repo, urls)
    # No turn before the lead a check's store reads take: the first is half a second on.
    lead = timedelta(seconds=0.5)
    claims = _claim(repo, now, horizon=timedelta(seconds=5), window=0.25, lead=lead)
    assert [c.start_at - now for c in claims] == [timedelta(seconds=s) for s in (0.5, 2, 3.5)]
    spacing = timedelta(seconds=1.5)
    reserved = [dispatch.reserve_turn(repo.engine, "127.0.0.1:8000", spacing) for _ in range(2)]
    assert reserved == [now + timedelta(seconds=5), now + timedelta(seconds=6.5)]
    # A host no claim has touched yet: its first turn is now.
    asked = utcnow()
    fresh = dispatch.reserve_turn(repo.engine, "127.0.0.9:8000", spacing)
    assert asked <= fresh <= utcnow()


async def test_a_service_takes_its_handed_turns_in_order_then_reserves(repo):
    turns = StoreTurns(repo.engine, lambda host: 1.0, window=0.25)
    now = utcnow()
    host = "127.0.0.1:8000"
    turns.hand(host, [now + timedelta(seconds=3), now - timedelta(hours=1), now])
    first, second = await turns.take(host), await turns.take(host)
    # The turn that ended an hour ago is dropped; the others come in order.
    later = now + timedelta(seconds=3)
    assert (first.start, second.start) == (now.timestamp(), later.timestamp())
    assert second.end - second.start == 0.25
    # None handed left: the next is reserved from the store's budget.
    asked = utcnow()
    reserved = await turns.take(host)
    assert asked.timestamp() <= reserved.start <= time.time()
    assert reserved.end - reserved.start == 0.25
    # A host with no delay needs no turns.
    assert await StoreTurns(repo.engine, lambda host: 0.0, window=0.25).take(host) is None
