"""Fixtures of the fetching tests: the fixture shop and a quick, polite-enough policy."""

import pytest

from tests.shop_fixture import shop, shop3  # noqa: F401
from tracker.fetch.fetcher import FetchPolicy

# Short waits keep the tests fast; the politeness rules are the same as in production.
FAST = FetchPolicy(
    per_host_delay=0.0,
    backoff_base=0.05,
    backoff_cap=0.2,
    retry_after_cap=5.0,
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=3.0,
)


@pytest.fixture
def fast_policy() -> FetchPolicy:
    """A policy with short delays and timeouts, for tests."""
    return FAST
