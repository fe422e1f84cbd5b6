"""Checks through the user's signed-in browser profile, against the fixture shop's fake
platform (its product page is priced only for a signed-in session, by JavaScript).

"Signing in" is driven as a user would, minus the window: the test opens the platform's
profile headless and visits the fake platform's sign-in page, which sets the session
cookie. Rendering needs a Chromium named by DAOSHOU_TEST_CHROMIUM (CI: /usr/bin/chromium).
"""

import asyncio
import os
import stat
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlmodel import Session

from tracker import locations
from tracker.checks.check import check_listings
from tracker.fetch.sessions import session_status
from tracker.fetch.signin import SignInWindow
from tracker.store.tables import Listing

CHROMIUM = os.environ.get("DAOSHOU_TEST_CHROMIUM", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM, reason="set DAOSHOU_TEST_CHROMIUM to a binary"),
]
SIGNED_OUT = "signed out of JD: run `daoshou browser login jd`"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Profiles and their state files under this test's own DAOSHOU_HOME."""
    monkeypatch.setenv(locations.HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def with_browser(settings):
    return replace(settings, chromium_path=CHROMIUM)


def _open_profile(url):
    """Open JD's profile headless at `url` and close it, as the user's window would."""

    async def visit():
        window = SignInWindow(locations.browser_profile_dir("jd"), CHROMIUM, headless=True)
        try:
            await window.open(url)
        finally:
            await window.close()

    asyncio.run(visit())


def _jd_listings(repo, shop, *slugs):
    """Listings of the fake platform, filed as JD listings (the platform their URL names
    on the real web; here the pages are on loopback)."""
    views = []
    for slug in slugs:
        listing = repo.add_listing(shop.platform_url(slug))
        with Session(repo.engine) as session:
            row = session.get(Listing, listing.id)
            row.platform = "jd"
            session.add(row)
            session.commit()
        views.append(repo.get_listing(listing.id))
    return views


def _check(repo, settings, listings):
    return asyncio.run(check_listings(repo, listings, settings=settings))


def _item_requests(shop):
    return [r for r in shop.log() if r.path.startswith("/platform/item/")]


def test_a_signed_in_profile_reads_the_price_only_it_is_shown(shop, repo, with_browser, slug):
    shop.set_product(slug, price="88.00", title="抽纸 24包")
    shop.set_product(slug + "b", price="129.50", title="电水壶")
    listings = _jd_listings(repo, shop, slug, slug + "b")
    _open_profile(shop.sign_in_url())
    profile = locations.browser_profile_dir("jd", create=False)
    for level in (profile, profile.parent, profile.parent.parent):
        assert stat.S_IMODE(level.stat().st_mode) == 0o700
    outcomes = _check(repo, with_browser, listings)
    prices = [(o.observation.price, o.observation.currency) for o in outcomes]
    assert prices == [(Decimal("88.00"), "CNY"), (Decimal("129.50"), "CNY")]
    status = session_status("jd")
    assert (status.profile, status.state) == (True, "working") and status.working_at
    # The profile's own cookie went to the platform: the user's cookie file was not used.
    assert all(r.cookie and "daoshou_fake_session=" in r.cookie for r in _item_requests(shop))


def test_an_expired_session_is_reported_once_and_the_rest_not_fetched(
    shop, repo, with_browser, slug
):
    for index, price in enumerate(("10.00", "20.00", "30.00")):
        shop.set_product(f"{slug}{index}", price=price)
    listings = _jd_listings(repo, shop, *(f"{slug}{i}" for i in range(3)))
    _open_profile(shop.sign_in_url())
    shop.expire_sessions()  # the browser still holds its cookie; the platform refuses it
    shop.clear_log()
    outcomes = _check(repo, with_browser, listings)
    fetched = [o for o in outcomes if o.fetch == "blocked"]
    skipped = [o for o in outcomes if o.fetch == "signed_out"]
    assert len(fetched) == 1 and len(skipped) == 2
    assert fetched[0].observation.price is None
    assert fetched[0].observation.reason == f"blocked: {SIGNED_OUT}"
    assert all(o.observation is None and SIGNED_OUT in o.summary for o in skipped)
    assert len(_item_requests(shop)) == 1  # the other listings were not fetched
    assert "/platform/signin" not in [r.path for r in shop.log()]  # never followed
    status = session_status("jd")
    assert status.state == "signed out" and "login required" in status.detail


def test_a_profile_never_signed_in_meets_the_login_redirect(shop, repo, with_browser, slug):
    shop.set_product(slug, price="55.00")
    [listing] = _jd_listings(repo, shop, slug)
    _open_profile(shop.base_url() + "/robots.txt")  # a profile exists, with no session
    [outcome] = _check(repo, with_browser, [listing])
    assert outcome.fetch == "blocked" and outcome.observation.reason == f"blocked: {SIGNED_OUT}"
    assert session_status("jd").state == "signed out"


def test_a_signed_in_check_obeys_robots(shop, repo, with_browser, slug):
    shop.set_product(slug, price="66.00")
    [listing] = _jd_listings(repo, shop, slug)
    _open_profile(shop.sign_in_url())
    shop.set_robots("User-agent: *\nDisallow: /platform/item/\n")
    try:
        [outcome] = _check(repo, with_browser, [listing])
    finally:
        shop.set_robots("User-agent: *\nDisallow: /private/\n")
    assert outcome.fetch == "robots" and outcome.observation is None
    assert not [r for r in _item_requests(shop) if slug in r.path]
    assert session_status("jd").state == "unchecked"
