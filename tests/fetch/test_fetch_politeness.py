"""Concurrency limits and per-host spacing, measured on the shop's side of the wire."""

import asyncio
import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tracker.fetch.fetcher import Fetcher, checked_url, host_key
from tracker.fetch.politeness import backoff_delay, parse_retry_after


def _max_overlap(records):
    """The most requests in progress at once, from the shop's arrival/answer times."""
    events = sorted([(r.t, 1) for r in records] + [(r.t_end, -1) for r in records])
    now = peak = 0
    for _, step in events:
        now += step
        peak = max(peak, now)
    return peak


async def _fetch_all(policy, urls):
    async with Fetcher(policy) as fetcher:
        return await asyncio.gather(*(fetcher.fetch(u) for u in urls))


async def test_per_host_and_global_concurrency_limits_hold(shop3, fast_policy):
    policy = replace(fast_policy, max_concurrency=4, per_host_concurrency=2, respect_robots=False)
    for index in range(1, 13):
        shop3.fault(f"p{index:04d}", "slow", seconds=0.3)
    urls = [shop3.product_url(f"p{i:04d}", i % 3) for i in range(1, 13)]
    results = await _fetch_all(policy, urls)
    assert all(r.ok for r in results)
    log = shop3.settled_log()
    overlaps = []
    for port in shop3.ports:
        on_host = [r for r in log if r.port == port]
        assert len(on_host) == 4
        assert max(r.in_flight for r in on_host) <= 2
        overlaps.append(_max_overlap(on_host))
    assert max(overlaps) == 2  # the per-host limit is used, not just respected
    assert _max_overlap(log) <= 4


async def test_request_starts_to_one_host_are_spaced_by_the_minimum_delay(shop3, fast_policy):
    delay = 0.3
    policy = replace(fast_policy, per_host_delay=delay, per_host_concurrency=3)
    urls = [shop3.product_url(f"p{i:04d}", i % 2) for i in range(1, 9)]
    results = await _fetch_all(policy, urls)
    assert all(r.ok for r in results)
    for port in shop3.ports[:2]:
        starts = sorted(r.t for r in shop3.log() if r.port == port)
        assert len(starts) == 5  # robots.txt and four pages
        gaps = [b - a for a, b in itertools.pairwise(starts)]
        # Arrival times carry scheduling jitter on a busy machine (the client's own gate is
        # exact): bound each gap loosely and the mean, where jitter averages out, tightly.
        # Without the gate these gaps are a few milliseconds.
        assert min(gaps) >= 0.5 * delay
        assert sum(gaps) / len(gaps) >= 0.9 * delay


async def test_a_slow_host_does_not_hold_back_the_others(shop3, fast_policy):
    policy = replace(fast_policy, max_concurrency=3, per_host_concurrency=1, respect_robots=False)
    slow = [f"p{i:04d}" for i in range(1, 5)]
    for slug in slow:
        shop3.fault(slug, "slow", seconds=0.6)
    urls = [shop3.product_url(s, 0) for s in slow]
    urls += [shop3.product_url(f"p{i:04d}", 1) for i in range(5, 13)]
    await _fetch_all(policy, urls)
    log = shop3.settled_log()
    last_fast = max(r.t_end for r in log if r.port == shop3.ports[1])
    last_slow = max(r.t_end for r in log if r.port == shop3.ports[0])
    assert last_fast < last_slow  # the fast host finished while the slow one still queued


async def test_waiting_out_one_hosts_delay_leaves_the_global_slots_to_others(shop3, fast_policy):
    policy = replace(fast_policy, max_concurrency=1, respect_robots=False)
    spaced = [shop3.product_url(f"p{i:04d}", 0) for i in range(1, 4)]
    others = [shop3.product_url(f"p{i:04d}", 1) for i in range(4, 7)]
    async with Fetcher(policy) as fetcher:
        fetcher.gate.slow_down(host_key(checked_url(spaced[0])), 1.0)
        results = await asyncio.gather(*(fetcher.fetch(u) for u in spaced + others))
    assert all(r.ok for r in results)
    log = shop3.settled_log()
    second_spaced = sorted(r.t for r in log if r.port == shop3.ports[0])[1]
    assert max(r.t_end for r in log if r.port == shop3.ports[1]) < second_spaced


def test_backoff_grows_exponentially_with_bounded_jitter():
    rng = random.Random(7)
    for attempt, step in enumerate([1.0, 2.0, 4.0, 8.0, 10.0, 10.0]):
        delays = [backoff_delay(attempt, 1.0, 10.0, rng) for _ in range(200)]
        assert min(delays) >= step / 2 and max(delays) <= step
        assert max(delays) - min(delays) > step / 10  # jittered, not constant


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Sat, 21 Nov 2026 12:00:30 GMT", 30.0),
        ("Sat, 21 Nov 2026 11:59:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_parses_seconds_and_http_dates(value, expected):
    now = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(value, now) == expected
