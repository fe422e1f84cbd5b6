"""A cart planned against the store: tracked offers take their listing's latest
observation and its promotions, gone offers are left out with the reason, other
currencies are refused, products become items of listing references, and a moved plan
alerts once."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from planner.errors import CartError
from tracker.alerts.engine import record_plan_change
from tracker.plans.edits import add_product, change_quantity
from tracker.plans.plan import plan_cart
from tracker.queries.watchlist import load_watchlist
from tracker.store import summary
from tracker.store.tables import AlertEvent, Observation
from tui.i18n import current_language, set_language, words_text


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
        summary.rebuild(conn, [seeded.listing_id])  # a raw insert bypasses the store


def _cart(tmp_path, offers, currency="CNY"):
    path = tmp_path / "c.toml"
    path.write_text(
        f'currency = "{currency}"\n[[item]]\nid = "a"\nname = "AirPods"\n' + offers,
        encoding="utf-8",
    )
    return path


def test_tracked_offers_take_the_latest_price_and_typed_ones_keep_theirs(demo, now, tmp_path):
    jd = _slug(demo, "jd-airpods-pro-2")
    _observe(demo, jd, now, "1234.00")
    path = _cart(
        tmp_path,
        f"[[item.offer]]\nlisting = {jd.listing_id}\n"
        '[[item.offer]]\nplatform = "web"\nshop = "y"\nprice = "1500"\n',
    )
    live = plan_cart(path, now + timedelta(minutes=6), engine=demo.engine, time_limit=5)
    offers = live.plan.cart.items[0].offers
    assert [o.price for o in offers] == [Decimal("1234.00"), Decimal("1500")]
    assert live.plan.total == Decimal("1234.00")
    source = live.priced_from("a", 0)
    assert source.listing_id == jd.listing_id and not source.stale


def test_recorded_promotions_apply_unless_switched_off(demo, now, tmp_path):
    jd = _slug(demo, "jd-airpods-pro-2")
    coupon = {
        "applies_to": "order",
        "kind": "threshold",
        "scope": "shop",
        "tiers": [["1000", "100"]],
        "source_text": "满1000减100",
    }
    _observe(demo, jd, now, "1234.00", promotions=[coupon])
    later = now + timedelta(minutes=6)
    on = _cart(tmp_path, f"[[item.offer]]\nlisting = {jd.listing_id}\n")
    assert plan_cart(on, later, engine=demo.engine, time_limit=5).plan.total == Decimal("1134.00")
    off = _cart(tmp_path, f"[[item.offer]]\nlisting = {jd.listing_id}\npromotions = false\n")
    assert plan_cart(off, later, engine=demo.engine, time_limit=5).plan.total == Decimal("1234.00")


def test_an_offer_without_a_current_price_is_left_out_with_the_reason(demo, now, tmp_path):
    jd, pdd = _slug(demo, "jd-vinda-27"), _slug(demo, "pdd-vinda-36")
    path = _cart(
        tmp_path,
        f"[[item.offer]]\nlisting = {jd.listing_id}\n[[item.offer]]\nlisting = {pdd.listing_id}\n",
    )
    live = plan_cart(path, now, engine=demo.engine, time_limit=5)
    assert [o.platform for o in live.plan.cart.items[0].offers] == ["jd"]
    (why,) = live.left_out
    assert why.text("en") == f"a: listing {pdd.listing_id} (no price: login required)"
    assert why.text("zh").startswith(f"a：商品链接 {pdd.listing_id}（无价格：")
    before = current_language()
    set_language("zh")
    try:
        assert words_text(why) == f"a：商品链接 {pdd.listing_id}（无价格：需要登录）"
    finally:
        set_language(before)


def test_an_item_with_no_usable_offer_says_so_in_one_line(demo, now, tmp_path):
    switch = _slug(demo, "jd-switch-oled")  # sold out in the demo
    path = _cart(tmp_path, f"[[item.offer]]\nlisting = {switch.listing_id}\n")
    with pytest.raises(CartError, match=r"item 'a' has no usable offer: .*out of stock") as err:
        plan_cart(path, now, engine=demo.engine, time_limit=5)
    assert "\n" not in err.value.one_line()


def test_an_offer_in_another_currency_is_refused(demo, now, tmp_path):
    jd = _slug(demo, "jd-airpods-pro-2")
    path = _cart(tmp_path, f"[[item.offer]]\nlisting = {jd.listing_id}\n", currency="EUR")
    with pytest.raises(CartError, match="priced in CNY, the cart is in EUR"):
        plan_cart(path, now, engine=demo.engine, time_limit=5)


def test_an_untracked_listing_is_named(demo, now, tmp_path):
    path = _cart(tmp_path, "[[item.offer]]\nlisting = 9999\n")
    with pytest.raises(CartError, match="listing 9999 is not tracked"):
        plan_cart(path, now, engine=demo.engine, time_limit=5)


def test_add_to_cart_writes_references_and_adds_quantity(demo, now, tmp_path):
    path = tmp_path / "cart.toml"
    airpods = next(r for r in load_watchlist(demo.engine) if r.name == "AirPods Pro 2")
    add_product(path, airpods)
    data = add_product(path, airpods)
    assert [(i["id"], i["qty"]) for i in data["item"]] == [(f"p{airpods.product_id}", 2)]
    assert all(set(o) == {"listing"} for o in data["item"][0]["offer"])
    live = plan_cart(path, now, engine=demo.engine, time_limit=5)
    assert live.plan.cart.items[0].qty == 2
    assert change_quantity(path, f"p{airpods.product_id}", -2)["item"] == []


def test_add_to_cart_refuses_a_product_with_no_current_price(demo, tmp_path):
    rows = {r.name: r for r in load_watchlist(demo.engine)}
    with pytest.raises(CartError, match="no current price"):
        add_product(tmp_path / "cart.toml", rows["Nintendo Switch OLED"])


def test_a_plan_change_alerts_once_per_pair_of_plans(demo):
    assert record_plan_change(demo.engine, "cart", Decimal("100"), Decimal("90"), "CNY")
    assert not record_plan_change(demo.engine, "cart", Decimal("100"), Decimal("90"), "CNY")
    with demo.engine.connect() as conn:
        messages = conn.execute(sa.select(AlertEvent.__table__.c.message_en)).scalars().all()
    assert "Plan for cart 'cart' changed: total ¥100.00 → ¥90.00" in messages
