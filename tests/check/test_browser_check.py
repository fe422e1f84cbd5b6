"""Browser mode in the check pipeline: JS-priced pages, and a browser that is missing.

Rendering needs a Chromium named by DAOSHOU_TEST_CHROMIUM (CI: /usr/bin/chromium).
"""

import asyncio
import os
from dataclasses import replace
from decimal import Decimal

import pytest

from tracker.checks.check import check_listings

CHROMIUM = os.environ.get("DAOSHOU_TEST_CHROMIUM", "")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="set DAOSHOU_TEST_CHROMIUM")


def _check(repo, settings, listing):
    [outcome] = asyncio.run(check_listings(repo, [listing], settings=settings))
    return outcome


def test_a_js_priced_page_without_browser_mode_is_no_price(shop, repo, settings, slug):
    shop.set_product(slug, price="88.00", render="js")
    listing = repo.add_listing(shop.product_url(slug))
    outcome = _check(repo, settings, listing)
    assert outcome.observation.price is None
    assert outcome.observation.reason


def test_a_missing_browser_fails_only_that_fetch(shop, repo, settings, slug, tmp_path):
    shop.set_product(slug, price="88.00", render="js")
    listing = repo.add_listing(shop.product_url(slug), use_browser=True)
    missing = replace(settings, chromium_path=str(tmp_path / "no-such-chromium"))
    outcome = _check(repo, missing, listing)
    assert (outcome.fetch, outcome.observation) == ("network_error", None)
    assert "browser mode" in outcome.summary and "not found" in outcome.summary
    [attempt] = repo.recent_attempts(listing.id)
    assert attempt.error.startswith("browser mode:")


@pytest.mark.browser
@needs_chromium
def test_auto_mode_renders_a_js_priced_page(shop, repo, settings, slug):
    shop.set_product(slug, price="88.00", render="js", title="抽纸 24包")
    listing = repo.add_listing(shop.product_url(slug))
    auto = replace(settings, browser_mode="auto", chromium_path=CHROMIUM)
    outcome = _check(repo, auto, listing)
    assert (outcome.observation.price, outcome.observation.currency) == (Decimal("88.00"), "CNY")
    assert [a.status for a in repo.recent_attempts(listing.id)] == ["ok", "ok"]


@pytest.mark.browser
@needs_chromium
def test_a_browser_listing_is_rendered_every_time(shop, repo, settings, slug):
    shop.set_product(slug, price="12.50", render="js")
    listing = repo.add_listing(shop.product_url(slug), use_browser=True)
    with_browser = replace(settings, chromium_path=CHROMIUM)
    first = _check(repo, with_browser, listing)
    second = _check(repo, with_browser, listing)
    assert [first.observation.price, second.observation.price] == [Decimal("12.50")] * 2
    assert second.fetch == "ok"  # no conditional request in browser mode
