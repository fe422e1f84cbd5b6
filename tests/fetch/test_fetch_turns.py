"""Turns at a shared host (`tracker.fetch.turns`): a request is never sent before its turn
starts nor after it ends, as the shop on the other side of the wire sees it."""

import time
from dataclasses import replace

import httpx

from tracker.fetch.fetcher import Fetcher
from tracker.fetch.network_failures import MAX_MISSED_TURNS
from tracker.fetch.policy import FetchPolicy
from tracker.fetch.result import FetchOutcome
from tracker.fetch.turns import Turn


class _Turns:
    """Hands out the given turns in order, counting how many were taken."""

    def __init__(self, *turns: Turn) -> None:
        self.turns = list(turns)
        self.taken = 0

    async def take(self, host: str) -> Turn | None:
        self.taken += 1
        return self.turns.pop(0)


def _ended() -> Turn:
    return Turn(time.time() - 3600, time.time() - 3599)


async def test_a_request_past_its_turn_is_not_sent_and_takes_the_next(shop, fast_policy):
    policy = replace(fast_policy, respect_robots=False)
    turns = _Turns(_ended(), Turn(time.time(), time.time() + 3600))
    shop.clear_log()
    async with Fetcher(policy, turns=turns) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.ok and turns.taken == 2
    assert [r.path for r in shop.settled_log()] == ["/product/p0001"], "sent once, in turn"


async def test_a_request_missing_every_turn_is_never_sent(shop, fast_policy):
    policy = replace(fast_policy, respect_robots=False, retries=0)
    turns = _Turns(*(_ended() for _ in range(MAX_MISSED_TURNS)))
    shop.clear_log()
    async with Fetcher(policy, turns=turns) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
    assert result.outcome is FetchOutcome.NETWORK_ERROR
    assert result.error is not None and "too busy" in result.error
    assert shop.settled_log() == []
    assert turns.taken == MAX_MISSED_TURNS


async def test_no_request_leaves_before_its_turn(shop, fast_policy):
    """The shop stamps arrivals with the machine's monotonic clock: the turn's start (on
    the wall clock) is read into it conservatively, so only a request sent early fails."""
    policy = replace(fast_policy, respect_robots=False)
    before, wall = time.monotonic(), time.time()
    start = wall + 0.3
    turns = _Turns(Turn(start, start + 3600), Turn(start + 0.3, start + 3600))
    shop.clear_log()
    async with Fetcher(policy, turns=turns) as fetcher:
        assert (await fetcher.fetch(shop.product_url("p0001"))).ok
        assert (await fetcher.fetch(shop.product_url("p0002"))).ok
    arrivals = [r.t for r in shop.settled_log()]
    earliest = [before + (turn_start - wall) for turn_start in (start, start + 0.3)]
    assert len(arrivals) == 2
    assert all(t >= e for t, e in zip(arrivals, earliest, strict=True)), (arrivals, earliest)


async def test_robots_txt_redirects_are_followed_one_request_per_turn():
    """A robots.txt behind a redirect (http -> https, a bare domain -> www) is followed
    request by request, each in a turn of its own: left to the HTTP client, the second
    request went out at once, after its turn had ended, and was refused as missed turn
    after turn."""
    seen: list[str] = []

    def shop(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(301, headers={"Location": "/site/robots.txt"})
        if request.url.path == "/site/robots.txt":
            return httpx.Response(200, text="User-agent: *\nDisallow: /private/\n")
        return httpx.Response(200, text="<html>ok</html>")

    turns = _Turns(*(Turn(time.time(), time.time() + 3600) for _ in range(4)))
    policy = FetchPolicy(per_host_delay=0)
    async with Fetcher(policy, transport=httpx.MockTransport(shop), turns=turns) as fetcher:
        allowed = await fetcher.fetch("https://shop.example/p/1")
        refused = await fetcher.fetch("https://shop.example/private/2")
    assert allowed.ok and refused.outcome is FetchOutcome.ROBOTS
    assert seen == ["/robots.txt", "/site/robots.txt", "/p/1"]
    assert turns.taken == 3
