"""A plain fetch, the URL guard, conditional requests and decoding."""

import httpx
import pytest

from tracker.errors import UnsupportedURLError
from tracker.fetch.fetcher import Fetcher, FetchOutcome, FetchPolicy, checked_url, host_key


async def test_fetch_returns_page_validators_and_sends_a_named_user_agent(shop, fast_policy):
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.OK and result.ok
    assert result.status == 200
    assert result.final_url == shop.product_url("p0001")
    assert "测试商品 1 号" in result.text
    assert result.etag and result.last_modified
    assert result.content_type == "text/html; charset=utf-8"
    assert result.attempts == 1 and result.redirects == ()
    page_requests = [r for r in shop.log() if r.path.startswith("/product/")]
    assert [r.user_agent for r in page_requests] == [fast_policy.user_agent]
    assert fast_policy.user_agent.startswith("daoshou/")


def test_user_agent_is_configurable():
    assert FetchPolicy(user_agent="daoshou-test/1").user_agent == "daoshou-test/1"


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)", "item.jd.com/1.html", ""],
)
async def test_non_http_urls_raise_before_any_request(shop, fast_policy, url):
    async with Fetcher(fast_policy) as fetcher:
        with pytest.raises(UnsupportedURLError) as info:
            await fetcher.fetch(url)
    assert "http" in info.value.one_line()
    assert shop.log() == []


async def test_http_url_without_host_is_refused(fast_policy):
    async with Fetcher(fast_policy) as fetcher:
        with pytest.raises(UnsupportedURLError, match="no host"):
            await fetcher.fetch("http:///product/1")


async def test_unchanged_page_is_not_modified_by_etag(shop, fast_policy):
    url = shop.product_url("p0002")
    async with Fetcher(fast_policy) as fetcher:
        first = await fetcher.fetch(url)
        again = await fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.outcome is FetchOutcome.NOT_MODIFIED and again.not_modified
    assert again.status == 304 and again.body == b""
    assert again.etag == first.etag and again.last_modified == first.last_modified
    sent = [r for r in shop.log() if r.path == "/product/p0002"][-1]
    assert sent.if_none_match == first.etag
    assert sent.if_modified_since == first.last_modified


async def test_unchanged_page_is_not_modified_by_date_alone(shop, fast_policy):
    url = shop.product_url("p0003")
    async with Fetcher(fast_policy) as fetcher:
        first = await fetcher.fetch(url)
        again = await fetcher.fetch(url, last_modified=first.last_modified)
    assert again.not_modified


async def test_changed_page_comes_back_whole_with_new_validators(shop, fast_policy):
    url = shop.product_url("p0004")
    async with Fetcher(fast_policy) as fetcher:
        first = await fetcher.fetch(url)
        shop.set_product("p0004", price="1299.00")
        again = await fetcher.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.outcome is FetchOutcome.OK
    assert "¥1299.00" in again.text
    assert again.etag != first.etag and again.last_modified != first.last_modified


@pytest.mark.parametrize("declare", ["header", "meta", "both"])
async def test_gbk_pages_decode(shop, fast_policy, declare):
    shop.set_product("gbk", title="五常大米 稻花香 5kg 真空包装", price="89.90")
    shop.fault("gbk", "gbk", declare=declare)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("gbk"))
    assert result.ok
    assert "五常大米 稻花香 5kg 真空包装".encode("gbk") in result.body
    assert "五常大米 稻花香 5kg 真空包装" in result.text
    assert "￥89.90" in result.text


async def test_missing_page_is_an_http_error_without_retries(shop, fast_policy):
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("nope"))
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert result.status == 404 and result.attempts == 1
    assert "404" in result.error


async def test_fetcher_outside_its_context_is_a_programming_error(fast_policy):
    with pytest.raises(RuntimeError, match="async with"):
        await Fetcher(fast_policy).fetch("http://127.0.0.1:9/")


async def test_unreadable_redirect_location_is_an_error_not_an_exception():
    def shop(request):
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(302, headers={"Location": "http://[not-a-host"})

    policy = FetchPolicy(per_host_delay=0, retries=0)
    async with Fetcher(policy, transport=httpx.MockTransport(shop)) as fetcher:
        result = await fetcher.fetch("https://shop.example/p/1")
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert "unreadable location" in result.error


def test_politeness_key_is_the_origin():
    assert host_key(checked_url("https://Item.JD.com/1.html")) == "item.jd.com:443"
    assert host_key(checked_url("http://127.0.0.1:8080/x")) == "127.0.0.1:8080"


@pytest.mark.parametrize(
    "bad",
    [
        {"max_concurrency": 0},
        {"per_host_concurrency": 0},
        {"max_body_bytes": 0},
        {"per_host_delay": -1},
        {"retries": -1},
        {"total_timeout": 0},
    ],
)
def test_impossible_policies_are_programming_errors(bad):
    with pytest.raises(ValueError):
        FetchPolicy(**bad)


def test_robots_overrides_cover_subdomains_and_ignore_case():
    policy = FetchPolicy(robots_ignored_hosts=frozenset({" Taobao.com. "}))
    assert not policy.robots_apply_to("item.taobao.com")
    assert not policy.robots_apply_to("TAOBAO.COM")
    assert policy.robots_apply_to("nottaobao.com")
    assert not FetchPolicy(respect_robots=False).robots_apply_to("jd.com")


async def test_corrupt_compressed_body_is_an_http_error_not_an_exception():
    def shop(request):
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nAllow: /\n")
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip")

    async with Fetcher(FetchPolicy(per_host_delay=0), transport=httpx.MockTransport(shop)) as f:
        result = await f.fetch("https://shop.example/p/1")
    assert result.outcome is FetchOutcome.HTTP_ERROR and "corrupt" in result.error


async def test_robots_redirect_loop_counts_as_no_robots_txt():
    def shop(request):
        if request.url.path.startswith("/robots"):
            return httpx.Response(302, headers={"Location": "/robots.txt?again"})
        return httpx.Response(200, text="<html>ok</html>")

    async with Fetcher(FetchPolicy(per_host_delay=0), transport=httpx.MockTransport(shop)) as f:
        result = await f.fetch("https://shop.example/p/1")
    assert result.ok
