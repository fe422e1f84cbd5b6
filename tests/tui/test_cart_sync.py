"""A cart follows the store: tracked offers take their listing's latest price, gone offers
are dropped with a note, products become items, and a changed total alerts once."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from tracker.queries.cart_sync import (
    add_to_cart_file,
    change_quantity,
    item_from_product,
    live_cart,
)

from planner.cart import Cart, Item, Offer
from planner.errors import CartError
from tracker.alerts.engine import record_plan_change
from tracker.queries.watchlist import load_watchlist
from tracker.store.tables import AlertEvent, Observation


def _slug(demo, slug):
    return next(s for s in demo.seeded.listings if s.listing.slug == slug)


def _observe(demo, seeded, now, price, **extra):
    row = {
        "listing_id": seeded.listing_id,
        "observed_at": now + timedelta(minutes=5),
        "price": None if price is None else Decimal(price),
        "currency": "CNY" if price is not None else None,
        "in_stock": True,
        "is_from_price": False,
        "title": "t",
        "source": "test",
        **extra,
    }
    with demo.engine.begin() as conn:
        conn.execute(sa.insert(Observation.__table__), [row])


def test_tracked_offers_take_the_latest_price_and_untracked_keep_theirs(demo, now):
    jd = _slug(demo, "jd-airpods-pro-2")
    _observe(demo, jd, now, "1234.00")
    cart = Cart(
        items=(
            Item(
                "a",
                "AirPods",
                1,
                (
                    Offer("jd", "x", Decimal("1899"), url=jd.url),
                    Offer("web", "y", Decimal("1500"), url="https://elsewhere.example/a"),
                ),
            ),
        )
    )
    live = live_cart(demo.engine, cart)
    prices = [offer.price for offer in live.cart.items[0].offers]
    assert prices == [Decimal("1234.00"), Decimal("1500")]
    assert [(r.item_id, r.old, r.new) for r in live.repriced] == [
        ("a", Decimal("1899"), Decimal("1234.00"))
    ]


def test_an_offer_without_a_current_price_is_dropped_with_a_note(demo, now):
    jd, pdd = _slug(demo, "jd-vinda-27"), _slug(demo, "pdd-vinda-36")
    cart = Cart(
        items=(
            Item(
                "tp",
                "Vinda",
                1,
                (
                    Offer("jd", "x", Decimal("59.9"), url=jd.url),
                    Offer(
                        "pdd", "y", Decimal("69.9"), url=pdd.url
                    ),  # behind a login wall in the demo
                ),
            ),
        )
    )
    live = live_cart(demo.engine, cart)
    assert [o.platform for o in live.cart.items[0].offers] == ["jd"]
    assert live.unavailable == ("tp: pdd (login required)",)


def test_the_only_offer_is_kept_even_when_gone(demo, now):
    switch = _slug(demo, "jd-switch-oled")  # sold out in the demo
    cart = Cart(
        items=(Item("s", "Switch", 1, (Offer("jd", "x", Decimal("2099"), url=switch.url),)),)
    )
    live = live_cart(demo.engine, cart)
    assert len(live.cart.items[0].offers) == 1
    assert live.unavailable == ("s: jd (out of stock)",)


def test_a_product_becomes_an_item_with_same_pack_offers_only(demo):
    rows = {r.name: r for r in load_watchlist(demo.engine)}
    milk = rows["蒙牛 纯牛奶 Mengniu milk"]  # 24-, 16- and 12-carton listings
    item = item_from_product(milk, "milk")
    assert len(item.offers) == 1 and item.offers[0].url == milk.best.url
    assert item.pack.unit == "l" and item.pack.quantity == milk.best.per_pack
    airpods = rows["AirPods Pro 2"]
    assert len(item_from_product(airpods, "ap").offers) == 3
    with pytest.raises(CartError, match="no current price"):
        item_from_product(rows["Nintendo Switch OLED"], "sw")


def test_cart_file_edits(demo, tmp_path):
    path = tmp_path / "cart.toml"
    airpods = next(r for r in load_watchlist(demo.engine) if r.name == "AirPods Pro 2")
    add_to_cart_file(path, airpods)
    cart = add_to_cart_file(path, airpods)
    assert [(i.id, i.qty) for i in cart.items] == [(f"p{airpods.product_id}", 2)]
    assert change_quantity(path, f"p{airpods.product_id}", -2).items == ()


def test_a_plan_change_alerts_once_per_new_total(demo):
    assert record_plan_change(demo.engine, "cart", Decimal("100"), Decimal("90"), "CNY")
    assert not record_plan_change(demo.engine, "cart", Decimal("100"), Decimal("90"), "CNY")
    with demo.engine.connect() as conn:
        messages = conn.execute(sa.select(AlertEvent.__table__.c.message_en)).scalars().all()
    assert "Plan total changed: 100 → 90 CNY" in messages
