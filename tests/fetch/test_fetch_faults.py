"""Retries, backoff, Retry-After, timeouts, size cap, redirects and login walls."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from tracker.fetch.fetcher import Fetcher, FetchOutcome


def _page_requests(shop, slug):
    return [r for r in shop.log() if r.path == f"/product/{slug}"]


async def test_429_is_retried_after_exactly_the_retry_after_pause(shop, fast_policy):
    shop.fault("p0001", "429", count=1, retry_after=1)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.ok and result.attempts == 2
    first, second = _page_requests(shop, "p0001")
    assert first.status == 429 and second.status == 200
    assert second.t - first.t >= 0.98  # the shop's own clock: we waited as asked


async def test_retry_after_as_an_http_date_is_honoured(shop, fast_policy):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=2), usegmt=True)
    shop.fault("p0001", "503", count=1, retry_after=when)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.ok and result.attempts == 2
    first, second = _page_requests(shop, "p0001")
    assert second.t - first.t >= 0.9  # HTTP dates have one-second resolution


async def test_503_without_retry_after_backs_off_and_recovers(shop, fast_policy):
    shop.fault("p0001", "503", count=2)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.ok and result.attempts == 3
    statuses = [r.status for r in _page_requests(shop, "p0001")]
    assert statuses == [503, 503, 200]


async def test_persistent_429_gives_up_after_the_retries(shop, fast_policy):
    shop.fault("p0001", "429", count=10, retry_after=0)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert result.status == 429
    assert result.attempts == fast_policy.retries + 1
    assert len(_page_requests(shop, "p0001")) == fast_policy.retries + 1


async def test_retry_after_beyond_the_cap_stops_and_spares_the_host(shop, fast_policy):
    shop.fault("p0001", "429", count=1, retry_after=3600)
    async with Fetcher(fast_policy) as fetcher:
        first = await fetcher.fetch(shop.product_url("p0001"))
        other = await fetcher.fetch(shop.product_url("p0002"))
    assert first.outcome is FetchOutcome.HTTP_ERROR and first.status == 429
    assert first.attempts == 1 and "3600" in first.error
    assert other.outcome is FetchOutcome.HTTP_ERROR and other.status is None
    assert "wait" in other.error and other.attempts == 0
    assert _page_requests(shop, "p0002") == []  # never asked while the shop said wait


async def test_dropped_connection_is_retried(shop, fast_policy):
    shop.fault("p0001", "reset", count=1)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.ok and result.attempts == 2


async def test_dropped_connections_end_as_network_error(shop, fast_policy):
    shop.fault("p0001", "reset", count=10)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert result.status is None and result.error
    assert result.attempts == fast_policy.retries + 1


async def test_refused_connection_is_a_network_error_not_an_exception(fast_policy):
    policy = replace(fast_policy, retries=1, respect_robots=False)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch("http://127.0.0.1:9/product/x")
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert "connect" in result.error


async def test_silent_shop_times_out(shop, fast_policy):
    policy = replace(fast_policy, retries=0, read_timeout=0.3, total_timeout=0.5)
    shop.fault("p0001", "timeout", count=1, seconds=5)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert result.attempts == 1


async def test_dripping_page_past_the_total_timeout_times_out(shop, fast_policy):
    policy = replace(fast_policy, retries=0, read_timeout=1.0, total_timeout=0.5)
    shop.fault("p0001", "slow", count=1, seconds=2)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert "0.5" in result.error


async def test_slow_page_within_the_timeouts_arrives_whole(shop, fast_policy):
    shop.fault("p0001", "slow", count=1, seconds=0.3)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.ok and result.text.rstrip().endswith("</html>")


async def test_huge_page_with_content_length_stops_before_reading(shop, fast_policy):
    policy = replace(fast_policy, max_body_bytes=100_000)
    shop.fault("p0001", "huge", bytes=50_000_000)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.TOO_LARGE
    assert result.body == b"" and "100000" in result.error


async def test_huge_page_without_length_is_cut_while_streaming(shop, fast_policy):
    policy = replace(fast_policy, max_body_bytes=100_000)
    shop.fault("p0001", "huge", bytes=50_000_000, chunked=True)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
        after = await fetcher.fetch(shop.product_url("p0002"))
    assert result.outcome is FetchOutcome.TOO_LARGE and result.body == b""
    assert after.ok  # the aborted stream left the client usable


async def test_page_under_the_cap_is_read(shop, fast_policy):
    policy = replace(fast_policy, max_body_bytes=300_000)
    shop.fault("p0001", "huge", bytes=200_000, chunked=True)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.ok and len(result.body) == 200_000


async def test_redirects_are_followed_and_reported(shop, fast_policy):
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(f"{shop.base_url()}/redirect/2/p0005")
    assert result.ok
    assert result.final_url == shop.product_url("p0005")
    assert result.redirects == (f"{shop.base_url()}/redirect/1/p0005", shop.product_url("p0005"))


async def test_redirect_chains_are_bounded(shop, fast_policy):
    policy = replace(fast_policy, max_redirects=3)
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(f"{shop.base_url()}/redirect/9/p0005")
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert "more than 3 redirects" in result.error
    hops = [r for r in shop.log() if r.path.startswith("/redirect/")]
    assert len(hops) == 4


async def test_redirect_to_a_platform_login_is_blocked_not_followed(shop, fast_policy):
    shop.fault("p0001", "login_redirect")
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.BLOCKED
    assert result.error.startswith("login required")
    assert result.final_url.startswith("https://passport.jd.com/")
    assert result.status == 302 and result.body == b""


async def test_redirect_to_a_shops_own_login_page_is_blocked(shop, fast_policy):
    shop.fault("p0001", "login_redirect", location="/login?next=/product/p0001")
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.BLOCKED
    assert not [r for r in shop.log() if r.path.startswith("/login")]


async def test_redirect_to_a_non_http_scheme_is_an_error(shop, fast_policy):
    shop.fault("p0001", "login_redirect", location="ftp://example.com/file")
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.HTTP_ERROR
    assert "not an http(s) URL" in result.error
