"""The check pipeline against a real shop: fetch, extract, sanity, one-transaction store."""

import asyncio
import time
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

import sqlalchemy as sa

import tracker.checks.reading
from tracker.alerts.rulebook import add_rule
from tracker.checks.check import Checker, check_listings
from tracker.checks.lease import CheckLeases
from tracker.checks.pages import fetch_policy
from tracker.fetch.fetcher import Fetcher
from tracker.settings import HostSettings
from tracker.store.tables import AlertEvent, FetchAttempt


def _check(repo, settings, *listings):
    return asyncio.run(check_listings(repo, listings, settings=settings))


def _requests(shop, slug):
    return [r for r in shop.log() if r.path == f"/product/{slug}"]


def _attempts(repo, listing_id):
    return [a.status for a in reversed(repo.recent_attempts(listing_id))]


def test_first_check_records_the_page(shop, repo, settings, slug):
    shop.set_product(slug, price="1299.00", title="电饭煲 Rice cooker 3L")
    listing = repo.add_listing(shop.product_url(slug))
    [outcome] = _check(repo, settings, listing)
    obs = outcome.observation
    assert outcome.fetch == "ok"
    assert (obs.price, obs.currency) == (Decimal("1299.00"), "CNY")
    assert obs.title == "电饭煲 Rice cooker 3L"
    assert obs.in_stock is True and obs.reason is None and obs.source
    assert repo.history(listing.id) == [obs]
    assert _attempts(repo, listing.id) == ["ok"]


def test_an_unchanged_page_costs_a_304(shop, repo, settings, slug):
    shop.set_product(slug, price="59.90", title="Kettle")
    listing = repo.add_listing(shop.product_url(slug))
    [first] = _check(repo, settings, listing)
    [second] = _check(repo, settings, listing)
    assert second.fetch == "not_modified"
    assert second.observation.id != first.observation.id
    assert (second.observation.price, second.observation.title) == (Decimal("59.90"), "Kettle")
    requests = _requests(shop, slug)
    assert [r.status for r in requests] == [200, 304]
    assert requests[1].if_none_match
    assert len(repo.history(listing.id)) == 2


def test_a_plausible_change_is_stored_after_one_fetch(shop, repo, settings, slug):
    shop.set_product(slug, price="100.00")
    listing = repo.add_listing(shop.product_url(slug))
    _check(repo, settings, listing)
    shop.set_product(slug, price="89.00")
    [outcome] = _check(repo, settings, listing)
    assert outcome.observation.price == Decimal("89.00")
    assert len(_requests(shop, slug)) == 2


def test_an_implausible_change_is_confirmed_by_a_refetch(shop, repo, settings, slug):
    shop.set_product(slug, price="100.00")
    listing = repo.add_listing(shop.product_url(slug))
    _check(repo, settings, listing)
    shop.set_product(slug, price="19.00")
    [outcome] = _check(repo, settings, listing)
    assert outcome.observation.price == Decimal("19.00")
    assert len(_requests(shop, slug)) == 3
    assert _attempts(repo, listing.id) == ["ok", "ok", "ok"]


def test_an_implausible_change_that_does_not_repeat_is_no_price(shop, repo, settings, slug):
    shop.set_product(slug, price="100.00")
    listing = repo.add_listing(shop.product_url(slug))
    _check(repo, settings, listing)
    # The next page shows 1.00 (a glitch); it is delivered slowly, and the shop is back to
    # 100.00 before the confirming re-fetch is sent.
    shop.set_product(slug, price="1.00")
    shop.fault(slug, "slow", seconds=2.5)

    def restore_after_the_glitch_was_served():
        while len(_requests(shop, slug)) < 2:
            time.sleep(0.01)
        time.sleep(0.3)
        shop.set_product(slug, price="100.00")

    async def scenario():
        restorer = asyncio.create_task(asyncio.to_thread(restore_after_the_glitch_was_served))
        [outcome] = await check_listings(repo, [listing], settings=settings)
        await restorer
        return outcome

    outcome = asyncio.run(scenario())
    assert outcome.observation.price is None
    assert outcome.observation.reason.startswith("unconfirmed change: 100.00 CNY -> 1.00 CNY")
    assert "re-fetch saw 100.00 CNY" in outcome.observation.reason
    assert [o.price for o in repo.history(listing.id)] == [Decimal("100.00"), None]
    # The unconfirmed reading must not be replayed by a 304 next time.
    assert repo.validators(listing.id) is None
    [after] = _check(repo, settings, listing)
    assert (after.fetch, after.observation.price) == ("ok", Decimal("100.00"))


def test_a_login_wall_is_no_price_with_the_reason(shop, repo, settings, slug):
    shop.set_product(slug, price="10.00")
    shop.fault(slug, "login_redirect")
    listing = repo.add_listing(shop.product_url(slug))
    [outcome] = _check(repo, settings, listing)
    assert outcome.fetch == "blocked"
    assert outcome.observation.price is None
    assert outcome.observation.reason.startswith("blocked")
    assert "no price (blocked" in outcome.summary


def test_a_failed_fetch_stores_only_the_attempt(shop, repo, settings, slug):
    shop.set_product(slug, price="10.00")
    shop.fault(slug, "status", status=500)
    listing = repo.add_listing(shop.product_url(slug))
    [outcome] = _check(repo, settings, listing)
    assert (outcome.fetch, outcome.observation) == ("http_error", None)
    assert outcome.summary.startswith("fetch failed (http_error")
    assert repo.history(listing.id) == []
    [attempt] = repo.recent_attempts(listing.id)
    assert (attempt.status, attempt.http_status) == ("http_error", 500)


def test_a_gbk_page_reads_right(shop, repo, settings, slug):
    shop.set_product(slug, price="35.50", title="维达抽纸 100抽×18包")
    shop.fault(slug, "gbk", declare="meta")
    listing = repo.add_listing(shop.product_url(slug))
    [outcome] = _check(repo, settings, listing)
    assert outcome.observation.title == "维达抽纸 100抽×18包"
    assert outcome.observation.price == Decimal("35.50")


def test_many_listings_in_one_run_keep_their_own_prices(shop, repo, settings):
    slugs = [f"m{i:02d}x{time.monotonic_ns() % 10_000}" for i in range(12)]
    for i, slug in enumerate(slugs):
        shop.set_product(slug, price=f"{10 + i}.25")
    listings = [repo.add_listing(shop.product_url(slug)) for slug in slugs]
    outcomes = _check(repo, settings, *listings)
    assert [o.listing_id for o in outcomes] == [listing.id for listing in listings]
    assert [o.observation.price for o in outcomes] == [Decimal(f"{10 + i}.25") for i in range(12)]


def _check_twice_at_once(shop, repo, settings, slug, *, checkers):
    """Two concurrent checks of one slow listing, by one Checker or by two of them (two
    Checkers stand for two processes: only the store's lease keeps them apart)."""
    shop.set_product(slug, price="10.00")
    shop.fault(slug, "slow", seconds=0.5)
    listing = repo.add_listing(shop.product_url(slug))

    async def twice():
        async with Fetcher(fetch_policy(settings)) as fetcher:
            first = Checker(repo, fetcher, settings)
            second = first if checkers == 1 else Checker(repo, fetcher, settings)
            return await asyncio.gather(first.check(listing), second.check(listing))

    outcomes = asyncio.run(twice())
    assert len(_requests(shop, slug)) == 1
    assert len(repo.history(listing.id)) == 1
    return sorted(outcomes, key=lambda o: o.fetch), CheckLeases(repo.engine).holder(listing.id)


def test_one_listing_is_never_checked_twice_at_once(shop, repo, settings, slug):
    outcomes, _ = _check_twice_at_once(shop, repo, settings, slug, checkers=1)
    assert [o.fetch for o in outcomes] == ["ok", "skipped"]


def test_two_checkers_on_one_store_never_check_one_listing_at_once(shop, repo, settings, slug):
    (leased, done), holder_after = _check_twice_at_once(shop, repo, settings, slug, checkers=2)
    assert (leased.fetch, done.fetch) == ("leased", "ok")
    assert leased.summary == "being checked by another check in this process; skipped"
    assert leased.observation is None
    assert holder_after is None, "the lease is released once the check is stored"


def test_alerts_are_raised_in_the_observations_transaction(shop, repo, settings, slug):
    shop.set_product(slug, price="120.00")
    listing = repo.add_listing(shop.product_url(slug))
    _check(repo, settings, listing)
    add_rule(repo.engine, "target", {"price": "100", "currency": "CNY"}, listing_id=listing.id)
    shop.set_product(slug, price="99.00")
    [outcome] = _check(repo, settings, listing)
    with repo.engine.connect() as conn:
        events = conn.execute(sa.select(AlertEvent.observation_id)).scalars().all()
        attempts = conn.scalar(sa.select(sa.func.count()).select_from(FetchAttempt))
    assert events == [outcome.observation.id]
    assert attempts == 2


def test_a_hosts_own_minimum_delay_spaces_its_requests(shop, repo, settings, slug):
    slow_host = replace(settings, hosts={"127.0.0.1": HostSettings(min_delay_seconds=0.5)})
    listings = []
    for i in range(3):
        shop.set_product(f"{slug}{i}", price="10.00")
        listings.append(repo.add_listing(shop.product_url(f"{slug}{i}")))
    _check(repo, slow_host, *listings)
    starts = sorted(r.t for r in shop.log() if r.path.startswith(f"/product/{slug}"))
    assert len(starts) == 3
    assert all(later - earlier >= 0.45 for earlier, later in pairwise(starts))


def test_an_extractor_bug_costs_one_listing_its_price_not_the_run(
    shop, repo, settings, slug, monkeypatch
):
    real = tracker.checks.reading.extract_page

    def buggy(html, url):
        if url.endswith("bad"):
            raise ValueError("unexpected nesting")
        return real(html, url)

    monkeypatch.setattr(tracker.checks.reading, "extract_page", buggy)
    shop.set_product(f"{slug}bad", price="10.00")
    shop.set_product(f"{slug}ok", price="20.00")
    bad = repo.add_listing(shop.product_url(f"{slug}bad"))
    good = repo.add_listing(shop.product_url(f"{slug}ok"))
    failed, fine = _check(repo, settings, bad, good)
    assert failed.observation.price is None
    assert failed.observation.reason == "extraction error: ValueError: unexpected nesting"
    assert fine.observation.price == Decimal("20.00")
    assert repo.validators(bad.id) is None  # a fixed extractor reads the page again
