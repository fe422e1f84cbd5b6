"""The fetching modules' public surface is deliberate: what other areas may import."""

import importlib

import pytest

SURFACE = {
    "tracker.fetch.fetcher": {
        "FetchOutcome",
        "FetchPolicy",
        "FetchResult",
        "Fetcher",
        "checked_url",
        "default_user_agent",
        "host_key",
        "read_capped",
    },
    "tracker.fetch.result": {"FetchOutcome", "FetchResult"},
    "tracker.fetch.policy": {"PRODUCT_TOKEN", "FetchPolicy", "default_user_agent"},
    "tracker.fetch.browser": {"BrowserFetcher", "find_browser", "launch"},
    "tracker.fetch.sessions": {
        "BROWSER_PLATFORMS",
        "SessionStatus",
        "has_profile",
        "record_session",
        "session_status",
        "session_statuses",
        "signed_out_message",
    },
    "tracker.fetch.signin": {"SignInWindow", "sign_in", "sign_in_url"},
    "tracker.fetch.cookies": {"CookieStore", "MaskedCookies", "parse_cookie_header"},
    "tracker.fetch.robots": {"RobotsCache", "RobotsRules", "parse_robots"},
    "tracker.fetch.politeness": {"HostGate", "backoff_delay", "parse_retry_after"},
    "tracker.fetch.loginwall": {"wall_reason"},
    "tracker.shop.client": {"FixtureShop", "RequestRecord"},
}


@pytest.mark.parametrize("module", sorted(SURFACE))
def test_public_names_are_exactly_the_documented_ones(module):
    loaded = importlib.import_module(module)
    assert set(loaded.__all__) == SURFACE[module]
    assert all(hasattr(loaded, name) for name in loaded.__all__)


def test_outcomes_are_the_fetch_attempt_statuses():
    from tracker.fetch.fetcher import FetchOutcome

    statuses = "ok | not_modified | http_error | network_error | blocked | robots | too_large"
    assert {o.value for o in FetchOutcome} == set(statuses.split(" | "))
