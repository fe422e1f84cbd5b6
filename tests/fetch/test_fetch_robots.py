"""robots.txt: parsed per RFC 9309, fetched once per origin, obeyed unless turned off."""

import itertools
import socket
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.fetch.fetcher import Fetcher, FetchOutcome
from tracker.fetch.robots import parse_robots

JD_LIKE = """\
# comments and blank lines are ignored
User-agent: *
Disallow: /?*
Disallow: /pop/*.html
Allow: /pop/open.html
Disallow: /*.json$

User-agent: EtaoSpider
User-agent: HuihuiSpider
Disallow: /
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/100012043978.html", True),
        ("/?from=home", False),
        ("/pop/123.html", False),
        ("/pop/open.html", True),  # longer Allow beats the shorter Disallow
        ("/data/item.json", False),
        ("/data/item.json?x=1", True),  # `$` anchors the end
        ("/robots.txt", True),
    ],
)
def test_star_group_with_wildcards_and_longest_match(path, allowed):
    assert parse_robots(JD_LIKE, "daoshou").allows(path) is allowed


def test_named_groups_apply_only_to_their_agents():
    assert parse_robots(JD_LIKE, "EtaoSpider").allows("/100012043978.html") is False
    assert parse_robots(JD_LIKE, "HuihuiSpider").allows("/a") is False


def test_our_own_group_replaces_the_star_group():
    text = "User-agent: *\nDisallow: /\n\nUser-agent: daoshou/1.0\nAllow: /item/\nDisallow: /\n"
    rules = parse_robots(text, "daoshou")
    assert rules.allows("/item/1.html") and not rules.allows("/search")


def test_allow_wins_a_tie_and_empty_disallow_allows_everything():
    assert parse_robots("User-agent: *\nDisallow: /a\nAllow: /a\n", "daoshou").allows("/a")
    assert parse_robots("User-agent: *\nDisallow:\n", "daoshou").allows("/anything")


def test_percent_encoding_and_non_ascii_paths_match_either_spelling():
    rules = parse_robots("User-agent: *\nDisallow: /商品/\n", "daoshou")
    assert not rules.allows("/%E5%95%86%E5%93%81/1.html")
    assert not rules.allows("/商品/1.html")


def test_crawl_delay_is_read():
    assert parse_robots("User-agent: *\nCrawl-delay: 2.5\n", "daoshou").crawl_delay == 2.5
    assert parse_robots("User-agent: *\nCrawl-delay: soon\n", "daoshou").crawl_delay is None


def test_rules_before_any_user_agent_line_are_ignored():
    assert parse_robots("Disallow: /\n", "daoshou").allows("/x")


async def test_disallowed_page_is_refused_without_requesting_it(shop, fast_policy):
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(f"{shop.base_url()}/private/p0001")
    assert result.outcome is FetchOutcome.ROBOTS
    assert "robots.txt" in result.error and "/private/p0001" in result.error
    assert [r.path for r in shop.log()] == ["/robots.txt"]


async def test_robots_is_fetched_once_per_origin(shop3, fast_policy):
    async with Fetcher(fast_policy) as fetcher:
        for slug in ("p0001", "p0002", "p0003"):
            for listener in range(3):
                assert (await fetcher.fetch(shop3.product_url(slug, listener))).ok
    robots = [r for r in shop3.log() if r.path == "/robots.txt"]
    assert sorted(r.port for r in robots) == sorted(shop3.ports)


async def test_the_fetcher_says_which_pages_would_read_robots_txt_first(shop3, fast_policy):
    """What a scheduler sharing a host's budget asks before handing out slots: a host
    whose robots.txt is not cached costs one more request (until it is), one whose
    robots.txt is ignored never does."""
    policy = replace(fast_policy, robots_ignored_hosts=frozenset({"localhost"}))
    first, second = shop3.product_url("p0001", 0), shop3.product_url("p0001", 1)
    async with Fetcher(policy) as fetcher:
        assert fetcher.reads_robots_first(first) and fetcher.reads_robots_first(second)
        assert (await fetcher.fetch(first)).ok
        assert not fetcher.reads_robots_first(shop3.product_url("p0002", 0))
        assert fetcher.reads_robots_first(second)
        assert not fetcher.reads_robots_first(second.replace("127.0.0.1", "localhost"))
    assert [r.path for r in shop3.log()] == ["/robots.txt", "/product/p0001"]


async def test_robots_can_be_turned_off_for_one_host(shop, fast_policy):
    policy = replace(fast_policy, robots_ignored_hosts=frozenset({"127.0.0.1"}))
    shop.set_robots("User-agent: *\nDisallow: /\n")
    async with Fetcher(policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
        other = await fetcher.fetch(shop.product_url("p0001").replace("127.0.0.1", "localhost"))
    assert result.ok
    assert other.outcome is FetchOutcome.ROBOTS
    assert [r.path for r in shop.log()] == ["/product/p0001", "/robots.txt"]


async def test_robots_can_be_turned_off_entirely(shop, fast_policy):
    shop.set_robots("User-agent: *\nDisallow: /\n")
    async with Fetcher(replace(fast_policy, respect_robots=False)) as fetcher:
        assert (await fetcher.fetch(shop.product_url("p0001"))).ok
    assert [r.path for r in shop.log()] == ["/product/p0001"]


async def test_missing_robots_allows_everything(shop, fast_policy):
    shop.fault("robots.txt", "status", status=404)
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(f"{shop.base_url()}/private/p0001")
    assert result.outcome is FetchOutcome.HTTP_ERROR and result.status == 404
    assert [r.path for r in shop.log()] == ["/robots.txt", "/private/p0001"]


async def test_unreachable_robots_means_no_access_for_now(shop, fast_policy):
    shop.fault("robots.txt", "503")
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.ROBOTS
    assert "unavailable (HTTP 503)" in result.error
    assert [r.path for r in shop.log()] == ["/robots.txt"]


async def test_crawl_delay_spaces_requests_to_that_host(shop, fast_policy):
    shop.set_robots("User-agent: *\nCrawl-delay: 0.4\n")
    async with Fetcher(fast_policy) as fetcher:
        for slug in ("p0001", "p0002", "p0003"):
            assert (await fetcher.fetch(shop.product_url(slug))).ok
    starts = [r.t for r in shop.log() if r.path.startswith("/product/")]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.2 and sum(gaps) / len(gaps) >= 0.36  # arrival jitter aside


async def test_robots_cache_file_spares_later_runs_the_request(shop, fast_policy, tmp_path):
    shop.set_robots("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.1\n")
    policy = replace(fast_policy, robots_cache_file=tmp_path / "cache" / "robots.json")
    async with Fetcher(policy) as fetcher:
        assert (await fetcher.fetch(shop.product_url("p0001"))).ok
    async with Fetcher(policy) as later:
        refused = await later.fetch(f"{shop.base_url()}/private/x")
        assert (await later.fetch(shop.product_url("p0002"))).ok
    assert refused.outcome is FetchOutcome.ROBOTS  # the rules came from the file
    assert [r.path for r in shop.log()].count("/robots.txt") == 1


async def test_expired_or_unreadable_robots_cache_is_fetched_again(shop, fast_policy, tmp_path):
    cache = tmp_path / "robots.json"
    policy = replace(fast_policy, robots_cache_file=cache, robots_ttl=0.0)
    async with Fetcher(policy) as fetcher:
        assert (await fetcher.fetch(shop.product_url("p0001"))).ok
    cache.write_text("{broken", encoding="utf-8")
    async with Fetcher(replace(policy, robots_ttl=3600.0)) as fetcher:
        assert (await fetcher.fetch(shop.product_url("p0002"))).ok
    async with Fetcher(replace(policy, robots_ttl=3600.0)) as fetcher:
        assert (await fetcher.fetch(shop.product_url("p0003"))).ok
    assert [r.path for r in shop.log()].count("/robots.txt") == 2


async def test_oversized_robots_is_read_up_to_the_limit(shop, fast_policy):
    filler = "# padding\n" * 60_000  # 600 KB, past the 500 KiB the RFC asks crawlers to read
    shop.set_robots("User-agent: *\nDisallow: /private/\n" + filler + "Disallow: /late/\n")
    async with Fetcher(fast_policy) as fetcher:
        early = await fetcher.fetch(f"{shop.base_url()}/private/x")
        late = await fetcher.fetch(f"{shop.base_url()}/late/x")
    assert early.outcome is FetchOutcome.ROBOTS
    assert late.outcome is FetchOutcome.HTTP_ERROR  # rule beyond the limit ignored: fetched


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=400), path=st.text(max_size=60))
def test_any_robots_text_parses_and_answers(text, path):
    rules = parse_robots(text, "daoshou")
    assert rules.allows("/" + path) in (True, False)
    assert rules.allows("/robots.txt")


@settings(max_examples=200, deadline=None)
@given(prefix=st.text(alphabet="abc/-_.~", min_size=1, max_size=12), rest=st.text(max_size=12))
def test_a_plain_disallow_is_a_prefix_rule(prefix, rest):
    rules = parse_robots(f"User-agent: *\nDisallow: /{prefix}\n", "daoshou")
    assert not rules.allows(f"/{prefix}{rest}")


async def test_a_refused_connection_is_reported_as_such_not_as_robots(fast_policy):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with Fetcher(fast_policy) as fetcher:
        result = await fetcher.fetch(f"http://127.0.0.1:{port}/product/p0001")
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert result.error == "connection refused by 127.0.0.1"
