"""Browser mode against the fixture shop's JavaScript-rendered page.

The rendering tests need a Chromium binary named by DAOSHOU_TEST_CHROMIUM (CI sets it to
/usr/bin/chromium); without it they are skipped. No browser is ever downloaded.
"""

import os
from dataclasses import replace

import pytest

from tracker.errors import FetchError
from tracker.fetch.browser import BrowserFetcher, find_browser
from tracker.fetch.fetcher import Fetcher, FetchOutcome

CHROMIUM = os.environ.get("DAOSHOU_TEST_CHROMIUM", "")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="set DAOSHOU_TEST_CHROMIUM to a binary")


@pytest.fixture
def browser_policy(fast_policy):
    """Rendering a page takes longer than fetching it, most of all on a busy CI machine."""
    return replace(fast_policy, total_timeout=30.0)


def test_missing_executable_is_a_clear_error(tmp_path):
    with pytest.raises(FetchError, match="not found") as info:
        find_browser(str(tmp_path / "no-such-chrome"))
    assert "path" in info.value.one_line()


def test_no_browser_on_path_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(FetchError, match="Chrome or Chromium"):
        find_browser()


@pytest.mark.browser
@needs_chromium
async def test_browser_mode_sees_the_price_javascript_writes(shop, browser_policy):
    shop.set_product("js", render="js", price="88.00", title="抽纸 24包")
    async with Fetcher(browser_policy) as fetcher:
        plain = await fetcher.fetch(shop.product_url("js"))
    assert plain.ok and "88.00" not in plain.text  # only a script knows the price
    async with BrowserFetcher(browser_policy, executable=CHROMIUM, settle_ms=500) as browser:
        rendered = await browser.fetch(shop.product_url("js"))
    assert rendered.outcome is FetchOutcome.OK and rendered.status == 200
    assert "¥88.00" in rendered.text and '"priceCurrency":"CNY"' in rendered.text
    assert rendered.content_type == "text/html; charset=utf-8"
    page_requests = [r for r in shop.log() if r.path == "/product/js"]
    assert page_requests[-1].user_agent == browser_policy.user_agent


@pytest.mark.browser
@needs_chromium
async def test_browser_mode_obeys_robots_and_login_walls(shop, browser_policy):
    shop.set_robots("User-agent: *\nDisallow: /product/p0002\n")
    shop.fault("p0001", "login_redirect")
    async with BrowserFetcher(browser_policy, executable=CHROMIUM, settle_ms=300) as browser:
        walled = await browser.fetch(shop.product_url("p0001"))
        refused = await browser.fetch(shop.product_url("p0002"))
        missing = await browser.fetch(shop.product_url("nope"))
    assert walled.outcome is FetchOutcome.BLOCKED and walled.error.startswith("login required")
    assert walled.final_url.startswith("https://passport.jd.com/")
    assert refused.outcome is FetchOutcome.ROBOTS
    assert missing.outcome is FetchOutcome.HTTP_ERROR and missing.status == 404
    assert "/product/p0002" not in [r.path for r in shop.log()]


@pytest.mark.browser
@needs_chromium
async def test_browser_mode_shares_the_fetchers_gate_and_sends_cookies(
    shop, browser_policy, tmp_path
):
    from tracker.fetch.cookies import CookieStore

    store = CookieStore(tmp_path / "cookies.json")
    store.set("127.0.0.1", "session=abc123")
    policy = replace(browser_policy, cookies=store)
    async with Fetcher(policy) as fetcher:
        assert (await fetcher.fetch(shop.product_url("p0004"))).ok
        shared = BrowserFetcher(executable=CHROMIUM, settle_ms=300, fetcher=fetcher)
        async with shared as browser:
            assert (await browser.fetch(shop.product_url("p0003"))).ok
        assert (await fetcher.fetch(shop.product_url("p0005"))).ok  # still open
    sent = [r.cookie for r in shop.log() if r.path == "/product/p0003"]
    assert sent == ["session=abc123"]
    robots = [r for r in shop.log() if r.path == "/robots.txt"]
    assert len(robots) == 1  # the browser used the HTTP fetcher's robots cache
