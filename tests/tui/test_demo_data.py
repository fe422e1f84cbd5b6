"""The demo's generated history has the shapes the screens are there to show."""

from datetime import date, timedelta
from decimal import Decimal

from planner.forecast.calendar import load_calendar
from planner.forecast.fakes import detect_fake_discount
from planner.forecast.history import series_from_points
from tui.demo.catalogue import CATALOGUE
from tui.demo.history import daily_prices, sale_discount, shop_round

END = date(2026, 11, 21)
START = END - timedelta(days=729)


def _product(behaviour):
    return next(p for p in CATALOGUE if p.behaviour == behaviour)


def _path(product, index=0, seed=618):
    return daily_prices(product, product.listings[index], START, 730, seed)


def test_the_same_seed_gives_the_same_history():
    product = CATALOGUE[0]
    assert _path(product) == _path(product)
    assert _path(product) != _path(product, seed=1)


def test_prices_dip_on_double_11_and_recover():
    product = CATALOGUE[2]  # peanut oil: no noisy platform
    by_day = {p.day: p.price for p in _path(product)}
    d11, before = date(2025, 11, 11), date(2025, 9, 20)
    assert by_day[d11] < by_day[before] * Decimal("0.92")
    assert sale_discount(date(2025, 7, 15), Decimal("0.2")) == 0


def test_the_fake_discount_product_is_raised_before_the_coming_sale():
    product = _product("fake_discount")
    listing = product.listings[0]
    path = _path(product)
    series = series_from_points(
        "dyson", [(p.day, p.price) for p in path if p.price], "CNY", listing.platform
    )
    calendar = load_calendar()
    coming = calendar.occurrences(listing.platform, start=END + timedelta(days=1))[0]
    assert detect_fake_discount(series, coming) is not None


def test_the_sold_out_product_has_no_price_lately():
    path = _path(_product("out_of_stock"))
    assert all(p.price is None and p.in_stock is False for p in path[-10:])
    assert path[-11].price is not None


def test_the_login_wall_only_hits_pinduoduo():
    product = _product("login_required")
    pdd = next(i for i, listing in enumerate(product.listings) if listing.platform == "pdd")
    assert _path(product, pdd)[-1].reason == "login required"
    assert _path(product, 1 - pdd)[-1].price is not None


def test_shop_rounding():
    assert shop_round(Decimal("1903.2")) == Decimal("1899")
    assert shop_round(Decimal("89.6")) == Decimal("89.9")
    assert shop_round(Decimal("32.94")) == Decimal("32.9")


def test_pack_sizes_make_per_unit_matter():
    milk = next(p for p in CATALOGUE if "milk" in p.name)
    per_unit = {listing.slug: listing.base_price / listing.per_pack for listing in milk.listings}
    cheapest_sticker = min(milk.listings, key=lambda listing: listing.base_price).slug
    assert min(per_unit, key=per_unit.get) != cheapest_sticker


def test_the_seeded_alert_rules_fire_on_the_next_check(demo):
    """The demo's rules are stored in the form the rule kinds read (with their currency)."""
    from decimal import Decimal

    from sqlmodel import select

    from tracker.alerts.engine import raise_alerts
    from tracker.store.db import session_scope
    from tracker.store.tables import AlertRule, Listing, Observation

    with session_scope(demo.engine, write=True) as session:
        rule = session.exec(select(AlertRule).where(AlertRule.kind == "target")).first()
        listing = session.exec(select(Listing).where(Listing.product_id == rule.product_id)).first()
        observation = Observation(
            listing_id=listing.id,
            price=Decimal(rule.params["price"]) - 1,
            currency=rule.params["currency"],
            in_stock=True,
            source="jsonld",
        )
        session.add(observation)
        session.flush()
        raised = raise_alerts(session, observation)
    assert rule.id in [alert.rule_id for alert in raised]
