"""The demo's designed fake discount (its 戴森 listings) is the only one its history shows."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from planner.forecast import load_calendar
from planner.forecast.fakes import detect_fake_discount
from tracker.checks.forecasts import listing_series, struck_price
from tracker.store.db import dispose_engines, open_engine, session_scope
from tracker.store.tables import Listing
from tui.demo.catalogue import CATALOGUE
from tui.demo.seed import seed_demo

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # the app tests' fixed clock


@pytest.fixture(scope="module", params=[730, 400], ids=["two-years", "app-tests"])
def demo_flags(request, tmp_path_factory):
    """Every listing's flagged sales (past and the coming one) in a seeded demo store."""
    path = tmp_path_factory.mktemp("demo") / "store.sqlite"
    engine = open_engine(f"sqlite:///{path}")
    seed_demo(engine, NOW, days=request.param)
    calendar = load_calendar()
    flags: dict[str, list] = {}
    with session_scope(engine) as session:
        for listing in session.exec(select(Listing)):
            series = listing_series(session, listing)
            past = calendar.occurrences(listing.platform, end=series.last_day)
            coming = calendar.occurrences(listing.platform, start=series.last_day)[:1]
            found = [
                detect_fake_discount(
                    series, occ, struck_price(session, listing.id or 0, series, occ)
                )
                for occ in past + coming
            ]
            flags[listing.sku or ""] = [fake for fake in found if fake is not None]
    dispose_engines()
    return request.param, flags


def test_only_the_designed_fake_product_is_flagged(demo_flags):
    _days, flags = demo_flags
    designed = {
        listing.slug
        for product in CATALOGUE
        if product.behaviour == "fake_discount"
        for listing in product.listings
    }
    assert {sku for sku, found in flags.items() if found} == designed


def test_each_designed_raise_is_caught_with_its_evidence(demo_flags):
    days, flags = demo_flags
    first = NOW.date() - timedelta(days=days - 1)
    for sku in ("tmall-dyson-hd15", "douyin-dyson-hd15"):
        found = {f.event_key: f for f in flags[sku]}
        # the demo raises before every 618 in its history and 20 days before its last day
        wanted = {f"618-{year}" for year in (2025, 2026) if first.year < year or days > 400}
        wanted |= {"double11-2026", "double12-2026"}
        assert wanted <= set(found), sku
        for fake in found.values():
            assert fake.raised_to > fake.reference_price
            assert fake.reference_to == fake.raised_on - timedelta(days=1)
            if fake.sale_price is not None:
                assert fake.sale_price >= fake.reference_price * 99 / 100
                assert fake.claimed_discount_pct > 0 and fake.real_change_pct > 0
        coming = found["double12-2026"]
        assert coming.sale_price is None and coming.raised_on == NOW.date() - timedelta(days=19)
        # the page strikes out its list price: that is the struck price shown
        assert coming.raised_to > coming.reference_price * 3 / 2
