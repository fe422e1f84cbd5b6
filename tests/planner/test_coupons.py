"""Held coupons (`uses`): read and written with the cart, spent at most `uses` times across
the orders, and given by the cost engine to the orders where they save most."""

from decimal import Decimal as D

import pytest

from planner.cart import EveryOff, PercentOff, Threshold, is_coupon
from planner.cart_file import dump_cart, parse_cart
from planner.cart_promotions import promotion_from
from planner.cart_writer import promotion_to_dict
from planner.cost import Pick, Pricing, price
from planner.errors import CartError
from tests.clock import TODAY


def item(item_id: str, price_: str) -> str:
    """One item with one offer in shop S on Pinduoduo (a sequential checkout)."""
    offer = f'  [[item.offer]]\n  platform = "pdd"\n  shop = "S"\n  price = "{price_}"\n'
    return f'[[item]]\nid = "{item_id}"\n{offer}'


@pytest.fixture(scope="module")
def pricing():
    return Pricing.load()


def two_items(a: str, b: str, promotions: str):
    return parse_cart(item("a", a) + item("b", b) + promotions, today=TODAY)


SPLIT = {"a": Pick(0, "1"), "b": Pick(0, "2")}

SHOP_COUPON = """
[[promotion]]
kind = "threshold"
platform = "pdd"
shop = "S"
tiers = [["199", "20"], ["399", "50"]]
coupon = true
"""


def test_uses_is_read_defaulted_and_written_back():
    cart = two_items("100", "100", SHOP_COUPON + "uses = 3\n" + SHOP_COUPON)
    assert [p.uses for p in cart.promotions] == [3, 1]
    again = parse_cart(dump_cart(cart), today=TODAY)
    assert again.promotions == cart.promotions
    assert dump_cart(cart).count("uses") == 1  # the default is left out


def test_uses_on_an_automatic_promotion_is_an_error_naming_its_line():
    cross = '\n[[promotion]]\nkind = "every"\nplatform = "pdd"\nscope = "cross_store"\n'
    text = cross + 'every = "300"\noff = "50"\nuses = 2\n'
    with pytest.raises(CartError) as caught:
        two_items("100", "100", text)
    assert "<cart>:20: promotion[0].uses: only a coupon is held" in caught.value.one_line()


def test_promotions_in_the_cart_vocabulary_read_back_from_plain_objects():
    """Promotions recorded with tracked listings are stored as JSON objects with the
    cart's keys; `promotion_from` reads them as it reads a `[[promotion]]` table."""
    recorded = {
        "kind": "red_packet",
        "platform": "JD",
        "scope": "platform",
        "tiers": [["200", "30"]],
        "uses": 2,
    }
    promo = promotion_from(recorded)
    assert promo == Threshold("jd", "platform", ((D(200), D(30)),), uses=2)
    assert promotion_from(promotion_to_dict(promo)) == promo
    with pytest.raises(CartError, match=r"promotion\.uses: 0 is not a whole number >= 1"):
        promotion_from({**recorded, "uses": 0})


def test_which_promotions_are_held():
    assert is_coupon(Threshold("jd", "shop", ((D(1), D(1)),), shop="S", coupon=True))
    assert is_coupon(Threshold("jd", "platform", ((D(0), D(5)),)))
    assert is_coupon(PercentOff("jd", "platform", D("0.9")))
    assert not is_coupon(Threshold("jd", "shop", ((D(1), D(1)),), shop="S"))
    assert not is_coupon(EveryOff("jd", "cross_store", D(300), D(50)))
    assert not is_coupon(PercentOff("tmall", "platform", D("0.95"), requires_member="88vip"))


def test_a_shop_coupon_held_once_pays_once_across_two_orders(pricing):
    """Each order of 200 would reach 满199减20; the shopper holds one coupon, so it is
    spent once: 400 - 20, not 400 - 40."""
    cart = two_items("200", "200", SHOP_COUPON)
    priced = price(cart, SPLIT, pricing)
    assert priced.total == D("380.00")
    assert sorted(len(order.coupons) for order in priced.orders) == [0, 1]
    held = two_items("200", "200", SHOP_COUPON + "uses = 2\n")
    assert price(held, SPLIT, pricing).total == D("360.00")


def test_a_held_coupon_goes_to_the_order_where_it_saves_most(pricing):
    """Order 1 (250) reaches only the 199 tier (20 off), order 2 (400) the 399 tier (50
    off): the one coupon goes to order 2, though order 1 comes first."""
    cart = two_items("250", "400", SHOP_COUPON)
    priced = price(cart, SPLIT, pricing)
    assert priced.total == D("600.00")
    assert {item.id: item.in_hand for item in priced.items} == {"a": D("250.00"), "b": D("350")}


def test_coupons_are_assigned_together_not_first_come(pricing):
    """Two platform coupons held once each, X 满100减40 and Y 满300减30. Alone, both orders
    prefer X; giving X to the first (350) and nothing to the second (150) saves 40, but
    Y to the first and X to the second saves 70: the engine takes the 70."""
    coupons = """
[[promotion]]
kind = "threshold"
platform = "pdd"
scope = "platform"
tiers = [["100", "40"]]

[[promotion]]
kind = "threshold"
platform = "pdd"
scope = "platform"
tiers = [["300", "30"]]
"""
    priced = price(two_items("350", "150", coupons), SPLIT, pricing)
    assert priced.total == D("430.00")
    assert [order.coupons for order in priced.orders] == [(1,), (0,)]


def test_automatic_promotions_still_apply_to_every_order(pricing):
    """A shop 满减 without `coupon` is not held: both orders of 200 get 20 off."""
    cart = two_items("200", "200", SHOP_COUPON.replace("coupon = true\n", ""))
    assert price(cart, SPLIT, pricing).total == D("360.00")
