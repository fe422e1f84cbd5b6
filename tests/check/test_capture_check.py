"""Every real capture, web-shop page and variant through a check of a loopback copy.

`tests/extract/test_real_captures.py` reads the saved pages through `daoshou extract`;
this reads them the way a tracked listing is read: the fixture shop serves each file over
a real socket (as `text/html`, no charset: decoding goes by the bytes' own evidence), the
listing's URL is the platform's real address so the right adapter applies
(`tests/loopback_routes.py` routes it to the shop), and the check use-case fetches,
extracts, sanity-checks and stores. The stored observation must give the manifest's price
and currency, or no price with its reason.
"""

import asyncio
from dataclasses import replace
from decimal import Decimal

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.extract.conftest import FIXTURES, PageCase, load_manifest
from tests.loopback_routes import LoopbackRoutes
from tracker.checks.check import Checker
from tracker.checks.pages import fetch_policy
from tracker.fetch.fetcher import Fetcher
from tracker.shop.client import FixtureShop

CORPORA = ("pages_cn_real", "pages", "pages_variants", "pages_cn")
# A row without a URL repeats a page "saved without its URL": a listing always has one.
CASES = [
    case for folder in CORPORA for case in load_manifest(folder) if case.url or folder == "pages"
]

# Web-shop pages that name no absolute URL of their own (no canonical link or og:url): an
# address on the shop's domain as its manifest row names it (a .hr TLD stays evidence; the
# 2010 UK design shop is given a .co.uk one, as its £ prices say).
_UNNAMED = {
    "eklinika-hr.html": "https://www.eklinika.hr/ortopedski-ulosci-sport-po-mjeri",
    "icone-uk-design-shop-c-2010.html": "https://www.icone.co.uk/copper-shade-tom-dixon",
    "tmall-com-pc-detail.html": "https://detail.tmall.com/item.htm?id=18959526273",
    "zalando-fi.html": "https://www.zalando.fi/calvin-klein-jeans-classic-vyoe-black.html",
}
_OWN_URL = (("link[rel=canonical]", "href"), ("meta[property='og:url']", "content"))


@pytest.fixture(scope="module")
def page_shop():
    """The fixture shop serving every file under tests/fixtures at /pages/<folder>/<file>."""
    with FixtureShop.start(pages=FIXTURES) as running:
        yield running


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """No signed-in profile, settings or recipes of the developer's own."""
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))


def listing_url(case: PageCase) -> str:
    """The address the page was captured from: the manifest's, else the page's own."""
    if case.url:
        return case.url
    if case.path.name in _UNNAMED:
        return _UNNAMED[case.path.name]
    tree = LexborHTMLParser(case.path.read_bytes().decode("utf-8", "replace"))
    for selector, attribute in _OWN_URL:
        node = tree.css_first(selector)
        url = (node.attrs.get(attribute) or "") if node is not None else ""
        if url.startswith("https://"):
            return url
    raise AssertionError(f"{case.path.name}: no URL of its own; add it to _UNNAMED")


def check_copy(page_shop, repo, settings, case: PageCase):
    """Track the case's URL, check it once through the loopback copy, return what's stored."""
    listing = repo.add_listing(listing_url(case))
    served = f"{case.path.parent.name}/{case.path.name}"
    routes = LoopbackRoutes(page_shop.base_url(), {listing.url: served})
    quick = replace(settings, platform_min_delay_seconds=0.0)

    async def run():
        async with (
            Fetcher(fetch_policy(quick), transport=routes) as fetcher,
            Checker(repo, fetcher, quick) as checker,
        ):
            return await checker.check(listing)

    outcome = asyncio.run(run())
    assert outcome.fetch == "ok", (case.id, outcome)
    assert routes.seen[-1] == listing.url
    [stored] = repo.history(listing.id)
    return stored


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_check_of_the_loopback_copy_stores_the_expected_price(page_shop, repo, settings, case):
    stored = check_copy(page_shop, repo, settings, case)
    if case.price is None:
        assert stored.price is None, (case.id, stored)
        assert stored.reason, stored
        wanted = case.row.get("reason_contains")
        if wanted:
            assert wanted.lower() in stored.reason.lower(), stored.reason
        return
    assert (stored.price, stored.currency) == (case.price, case.currency), (case.id, stored)
    if case.row.get("list_price"):
        assert stored.list_price == Decimal(case.row["list_price"]), stored
    if case.row.get("in_stock"):
        assert stored.in_stock is (case.row["in_stock"] == "true"), stored
    if case.path.parent.name == "pages_cn_real" and case.row["expected_title"]:
        assert stored.title == case.row["expected_title"], stored


def test_the_plus_price_is_stored_as_a_member_promotion(page_shop, repo, settings):
    case = next(c for c in load_manifest("pages_cn_real") if c.path.name.startswith("jd_5544"))
    stored = check_copy(page_shop, repo, settings, case)
    assert stored.price == Decimal("1399.00")
    assert [(p["field"], p["value"], p["requires_member"]) for p in stored.promotions] == [
        ("member_price", "1299", "plus")
    ]
