"""The cost engine on given assignments: zero rules, caps, scopes, limits, overrides,
and invariants on random carts (never negative, shares sum exactly, per unit consistent)."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.cart import (
    Cart,
    Credit,
    Eligibility,
    EveryOff,
    FreeShipping,
    InstantOff,
    Item,
    Offer,
    PercentOff,
    Presale,
    Threshold,
)
from planner.cart_file import load_cart, parse_cart
from planner.cost import Pick, Pricing, naive_assignment, price
from planner.errors import PlanError
from planner.money import cents
from planner.multibuy import multibuy_from
from planner.packs import Pack
from tests.clock import TODAY

CARTS = Path(__file__).parent.parent / "fixtures" / "carts"


@pytest.fixture(scope="module")
def pricing():
    return Pricing.load()


def _together(cart: Cart) -> dict[str, Pick]:
    return {item.id: Pick(0, "") for item in cart.items if not item.optional}


def _in_hand(priced) -> dict[str, str]:
    return {item.id: str(item.in_hand) for item in priced.items}


@pytest.mark.parametrize(
    ("name", "total", "a", "b"),
    [
        # void: shares 46.67 / 3.33 take b (1.00) below zero -> no cross-store at all
        ("11-zero-rule-tmall-void", "281.00", "280.00", "1.00"),
        # floor: b loses 1.00 of its 3.33, a keeps 46.67
        ("12-zero-rule-jd-floor", "233.33", "233.33", "0.00"),
        # best feasible: 30 and 20 fail, 10 -> shares 9.33 / 0.67
        ("13-zero-rule-douyin-best-feasible", "271.00", "270.67", "0.33"),
    ],
)
def test_zero_rules_in_one_order(pricing, name, total, a, b):
    cart = load_cart(CARTS / f"{name}.toml", today=TODAY)
    priced = price(cart, _together(cart), pricing)
    assert str(priced.total) == total
    assert _in_hand(priced) == {"a": a, "b": b}


def test_member_cap_in_one_order(pricing):
    # 700 x 5% = 35 capped at 30; shares 17.14 / 12.86 (cent to .71); food not covered
    cart = load_cart(CARTS / "09-88vip-capped.toml", today=TODAY)
    priced = price(cart, _together(cart), pricing)
    assert str(priced.total) == "770.00"
    assert _in_hand(priced) == {"a": "382.86", "b": "287.14", "c": "100.00"}


def test_member_discount_needs_membership(pricing):
    cart = replace(load_cart(CARTS / "09-88vip-capped.toml", today=TODAY), members=())
    assert price(cart, _together(cart), pricing).total == D("800.00")


def test_user_rules_override_a_platform(tmp_path):
    rules = tmp_path / "platforms.toml"
    rules.write_text('[tmall]\nzero_rule = "floor"\n', encoding="utf-8")
    pricing = Pricing.load(rules, None)
    cart = load_cart(CARTS / "11-zero-rule-tmall-void.toml", today=TODAY)
    # Tmall's sequential shop level leaves b at 1.00 as on JD; with floor: 233.33
    assert price(cart, _together(cart), pricing).total == D("233.33")


def test_bad_user_rules_are_one_line_errors(tmp_path):
    rules = tmp_path / "platforms.toml"
    rules.write_text('[tmall]\nzero_rule = "sometimes"\n', encoding="utf-8")
    with pytest.raises(PlanError, match="zero_rule"):
        Pricing.load(rules, None)


def test_user_subsidy_table_replaces_the_shipped_one(tmp_path):
    (tmp_path / "cn-2025.toml").write_text(
        '[programme.cn-2025-digital]\nrate = "20%"\ncap = "300"\nceiling = "8000"\n'
        '[programme.cn-2025-appliance]\nrate = "10%"\n',
        encoding="utf-8",
    )
    pricing = Pricing.load(None, tmp_path)
    cart = load_cart(CARTS / "02-subsidies.toml", today=TODAY)
    priced = price(cart, naive_assignment(cart, pricing), pricing)
    # phone 5999 x 20% capped 300 -> 5699; tablet 2999 x 20% = 599.80 capped 300 -> 2699
    assert _in_hand(priced)["phone"] == "5699.00"
    assert _in_hand(priced)["tablet"] == "2699.00"


CART = """\
currency = "CNY"
now = "2025-11-11"
[[item]]
id = "fridge"
category = "refrigerator"
  [[item.offer]]
  platform = "jd"
  shop = "Haier"
  price = "4000.00"
  subsidy = "PROGRAMME"
  energy_grade = GRADE
  limit = 1
"""


@pytest.mark.parametrize(
    ("programme", "grade", "in_hand"),
    [
        ("cn-2025-appliance", 1, "3200.00"),  # 20%
        ("cn-2025-appliance", 2, "3400.00"),  # 15%
        ("cn-2025-appliance", 3, "4000.00"),  # grade 3 not eligible
        ("cn-2026-appliance", 1, "3400.00"),  # 15% = 600 under the 1500 cap
        ("cn-2026-appliance", 2, "4000.00"),  # 2026 needs grade 1
    ],
)
def test_appliance_subsidy_by_grade(pricing, programme, grade, in_hand):
    cart = parse_cart(
        CART.replace("PROGRAMME", programme).replace("GRADE", str(grade)), today=TODAY
    )
    assert str(price(cart, {"fridge": Pick()}, pricing).total) == in_hand


def test_quantity_limit(pricing):
    cart = parse_cart(
        CART.replace("PROGRAMME", "cn-2025-appliance").replace("GRADE", "1"), today=TODAY
    )
    cart = replace(cart, items=(replace(cart.items[0], qty=2),))
    with pytest.raises(PlanError, match="limit of 1"):
        price(cart, {"fridge": Pick()}, pricing)
    with pytest.raises(PlanError, match="limit"):
        naive_assignment(cart, pricing)


def test_unknown_subsidy_programme(pricing):
    cart = parse_cart(CART.replace("PROGRAMME", "cn-1999-bikes").replace("GRADE", "1"), today=TODAY)
    with pytest.raises(PlanError, match="cn-1999-bikes"):
        price(cart, {"fridge": Pick()}, pricing)


def test_subsidy_covers_one_unit_of_several(pricing):
    # 2 phones at 3000: one subsidised (450), the other not: 6000 - 450 = 5550
    cart = load_cart(CARTS / "02-subsidies.toml", today=TODAY)
    phone = replace(cart.item("tablet"), qty=2)
    cart = replace(cart, items=(phone,), promotions=())
    assert price(cart, {"tablet": Pick()}, pricing).total == D("5998.00") - D("449.85")


def test_missing_and_unknown_assignments(pricing):
    cart = load_cart(CARTS / "03-optimise-split.toml", today=TODAY)
    with pytest.raises(PlanError, match="not assigned"):
        price(cart, {"x": Pick()}, pricing)
    with pytest.raises(PlanError, match="unknown items"):
        price(cart, {"x": Pick(), "y": Pick(), "z": Pick()}, pricing)
    with pytest.raises(PlanError, match="no offer #5"):
        price(cart, {"x": Pick(5), "y": Pick()}, pricing)


def test_scoped_platform_coupon_one_per_order(pricing):
    # coupon 满200减20 on food only: food 150 + 80 = 230 -> 20, shares 13.04 / 6.96
    # (cent to .65); the 10 red packet is worse, only one applies per order
    cart = parse_cart(
        """
[[item]]
id = "a"
category = "food"
  [[item.offer]]
  platform = "tmall"
  shop = "S"
  price = "150"
[[item]]
id = "b"
category = "food"
  [[item.offer]]
  platform = "tmall"
  shop = "S"
  price = "80"
[[item]]
id = "c"
category = "tech"
  [[item.offer]]
  platform = "tmall"
  shop = "T"
  price = "300"
[[promotion]]
kind = "threshold"
platform = "tmall"
scope = "platform"
over = "200"
off = "20"
categories = ["food"]
[[promotion]]
kind = "threshold"
platform = "tmall"
scope = "platform"
off = "10"
""",
        today=TODAY,
    )
    priced = price(cart, _together(cart), pricing)
    assert _in_hand(priced) == {"a": "136.96", "b": "73.04", "c": "300.00"}
    assert [d.amount for d in priced.orders[0].discounts] == [D("20.00")]


def test_instant_off_after_presale_applies_to_the_presale_price(pricing):
    # 129 - (40 - 20) = 109; activity price 129 > 100: 10% = 10.9 -> 11 (whole yuan) -> 98
    cart = load_cart(CARTS / "01-presale-cross-store.toml", today=TODAY)
    detergent = cart.item("detergent")
    offer = replace(
        detergent.offers[0],
        instant_off=parse_cart(
            '[[item]]\nid="x"\n[[item.offer]]\nplatform="t"\nprice="1"\ninstant_off="10%"\n',
            today=TODAY,
        )
        .items[0]
        .offers[0]
        .instant_off,
    )
    cart = replace(cart, items=(replace(detergent, offers=(offer,), qty=1),), promotions=())
    assert price(cart, {"detergent": Pick()}, pricing).total == D("98")


def test_presale_orders_pay_deposits_then_everything_at_the_latest_window(pricing):
    cart = load_cart(CARTS / "19-presale-price-cut.toml", today=TODAY)
    priced = price(cart, _together(cart), pricing)
    assert [(p.date.isoformat(), str(p.amount)) for p in priced.payments] == [
        ("2025-10-21", "50"),
        ("2025-10-24", "518.00"),
    ]
    separate = price(cart, {"a": Pick(0, "1"), "b": Pick(0, "2")}, pricing)
    # apart: a alone (499) still reaches 300 -> 469, paid 50 + 419; b (99) is paid now
    assert separate.total == D("469") + D("99")
    assert [p.date.isoformat() for p in separate.payments][:2] == ["2025-10-21", "2025-10-24"]


# --- invariants on random carts ------------------------------------------------------

PLATFORMS = ["tmall", "jd", "pdd", "douyin"]
money = st.integers(min_value=1, max_value=200_00).map(lambda c: D(c) / 100)


def _offer(draw) -> Offer:
    price_ = draw(money)
    presale = None
    if draw(st.integers(0, 4)) == 0:
        deposit = min(price_, D(20))
        presale = Presale(
            deposit=deposit,
            deposit_at=date(2025, 10, 21),
            balance_from=datetime(2025, 10, 31, 20),
            worth=deposit * 2,
        )
    return Offer(
        platform=draw(st.sampled_from(PLATFORMS)),
        shop=draw(st.sampled_from(["S1", "S2", "S3"])),
        price=price_,
        presale=presale,
        instant_off=draw(st.sampled_from([None, InstantOff("15%", rate=D("0.15")),
                                          InstantOff("5", amount=D(5))])),
        multibuy=draw(st.sampled_from([None, multibuy_from("2nd-half"), multibuy_from("3for2")])),
        cross_store=draw(st.booleans()),
        subsidy=draw(st.sampled_from([None, "cn-2025-digital", "cn-2025-appliance"])),
        energy_grade=draw(st.sampled_from([None, 1, 2, 3])),
        shipping=draw(st.sampled_from([D(0), D(0), D(6), D("8.50")])),
    )  # fmt: skip


@st.composite
def carts(draw):
    items = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        offers = tuple(_offer(draw) for _ in range(draw(st.integers(min_value=1, max_value=2))))
        items.append(
            Item(
                id=f"i{index}",
                name=f"item {index}",
                qty=draw(st.integers(min_value=1, max_value=3)),
                offers=offers,
                pack=Pack(draw(st.sampled_from([D(1), D("0.5"), D(24), D(3)])), "kg"),
                category=draw(st.sampled_from(["food", "home", None])),
            )
        )
    promotions = []
    for platform in PLATFORMS:
        if draw(st.booleans()):
            promotions.append(EveryOff(platform, "cross_store", draw(money) + 50, draw(money)))
        if draw(st.booleans()):
            tiers = tuple(sorted((draw(money) + 20, draw(money)) for _ in range(2)))
            promotions.append(
                Threshold(platform, "shop", tiers, shop="S1", coupon=draw(st.booleans()))
            )
        if draw(st.booleans()):
            promotions.append(Threshold(platform, "platform", ((D(0), draw(money)),)))
        if draw(st.booleans()):
            promotions.append(
                PercentOff(
                    platform,
                    "platform",
                    D("0.95"),
                    cap=D(20),
                    requires_member="vip",
                    eligible=Eligibility(categories=("food",)),
                )
            )
        if draw(st.booleans()):
            promotions.append(FreeShipping(platform, D(99)))
        if draw(st.booleans()):
            promotions.append(Credit(platform, D(100), D(110)))
    return Cart(now=TODAY, items=tuple(items), promotions=tuple(promotions), members=("vip",))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(carts(), st.data())
def test_priced_carts_are_consistent(pricing, cart, data):
    assignment = {
        item.id: Pick(
            data.draw(st.integers(min_value=0, max_value=len(item.offers) - 1)),
            data.draw(st.sampled_from(["", "2"])),
        )
        for item in cart.items
    }
    priced = price(cart, assignment, pricing)
    assert priced.total >= 0
    assert priced.total == sum(item.in_hand for item in priced.items)
    assert priced.total == sum(order.total for order in priced.orders)
    assert priced.total == sum(p.amount for p in priced.payments)
    assert all(p.amount > 0 for p in priced.payments)
    by_id = {item.id: item for item in priced.items}
    for item in priced.items:
        assert item.in_hand >= 0
        assert sum(s.amount for s in item.steps) == item.in_hand
        assert item.per_unit == cents(item.in_hand / item.quantity)
    for order in priced.orders:
        for kind in {d.kind for d in order.discounts}:
            applied = sum(d.amount for d in order.discounts if d.kind == kind)
            steps = sum(s.amount for i in order.item_ids for s in by_id[i].steps if s.kind == kind)
            assert abs(steps) == applied, kind


def test_presale_windows_that_do_not_overlap_are_noted(pricing):
    cart = load_cart(CARTS / "19-presale-price-cut.toml", today=TODAY)
    a = cart.item("a")
    presale = a.offers[0].presale
    assert presale is not None
    late = replace(
        presale,
        balance_from=presale.balance_from.replace(day=28),
        balance_until=presale.balance_until.replace(day=30) if presale.balance_until else None,
    )
    b = replace(cart.item("b"), offers=(replace(a.offers[0], presale=late),))
    cart = replace(cart, items=(a, b))
    priced = price(cart, _together(cart), pricing)
    (note,) = priced.notes
    assert note.text("en").startswith("a: its balance window closes 2025-10-27 23:59")
    assert note.text("zh").startswith("a：尾款在 2025-10-27 23:59 截止")


def test_platform_aliases_meet_their_promotions(pricing):
    # 天猫 is tmall: the cross-store 每满300减50 written for "tmall" applies (spec example 01)
    text = (CARTS / "01-presale-cross-store.toml").read_text(encoding="utf-8")
    cart = parse_cart(
        text.replace('platform = "tmall"\n  shop', 'platform = "天猫"\n  shop'), today=TODAY
    )
    assert {o.platform for i in cart.items for o in i.offers} == {"天猫"}
    priced = price(cart, _together(cart), pricing)
    assert str(priced.total) == "287.80"
    assert {item.platform for item in priced.items} == {"tmall"}


PRESALE = """\
now = "2025-11-11"
[[item]]
id = "p"
  [[item.offer]]
  platform = "tmall"
  shop = "S"
  price = "PRICE"
  presale = { deposit = "DP", worth = "WO", deposit_at = "2025-10-21", balance_from = "2025-10-31" }
[[promotion]]
kind = "threshold"
platform = "tmall"
off = "COUPON"
"""


@pytest.mark.parametrize(
    ("price_", "deposit", "worth", "coupon", "in_hand", "payments"),
    [
        # 30 - (40 - 20) = 10 < the 20 deposit: the balance is zero, the pack costs 20
        ("30", "20", "40", "0.01", "20.00", [("2025-10-21", "20")]),
        # 100 - (50 - 50) = 100, a coupon of 80 leaves 20 < 50: the deposit is kept
        ("100", "50", "50", "80", "50.00", [("2025-10-21", "50")]),
        # 100 - (60 - 20) = 60, coupon 30 -> 30: deposit 20 then balance 10
        ("100", "20", "60", "30", "30.00", [("2025-10-21", "20"), ("2025-10-31", "10.00")]),
    ],
)
def test_presale_never_costs_less_than_its_deposit(
    pricing, price_, deposit, worth, coupon, in_hand, payments
):
    text = PRESALE.replace("PRICE", price_).replace("DP", deposit)
    cart = parse_cart(text.replace("WO", worth).replace("COUPON", coupon), today=TODAY)
    priced = price(cart, {"p": Pick()}, pricing)
    assert str(priced.total) == in_hand
    assert [(p.date.isoformat(), str(p.amount)) for p in priced.payments] == payments


def test_cross_store_base_after_shop_setting(tmp_path):
    # after_shop: base 180 + 150 = 330 -> 50; shares 27.2727 / 22.7273 -> 2727 + 2272,
    # the left cent to b (.73 > .27): a 180 - 27.27 = 152.73, b 150 - 22.73 = 127.27
    rules = tmp_path / "platforms.toml"
    rules.write_text('[tmall]\ncross_store_base = "after_shop"\n', encoding="utf-8")
    pricing = Pricing.load(rules, None)
    cart = load_cart(CARTS / "05-tmall-cross-store-shop-coupon.toml", today=TODAY)
    assert _in_hand(price(cart, _together(cart), pricing)) == {"a": "152.73", "b": "127.27"}


#: One red packet of 50 is held and both orders would save 50 with it. In the book's order
#: (named first) it saves 50 and no more; in the phone's order it takes the phone from
#: 6050.00 to 6000.00, at the ceiling of the digital subsidy, which then pays 500.
HELD_COUPON_UNLOCKS_SUBSIDY = """
currency = "CNY"

[[item]]
id = "book"
name = "Book set"
category = "books"
  [[item.offer]]
  platform = "jd"
  shop = "Book shop"
  price = "500.00"

[[item]]
id = "phone"
name = "Phone"
category = "phone"
  [[item.offer]]
  platform = "jd"
  shop = "Phone flagship"
  price = "6050.00"
  subsidy = "cn-2025-digital"

[[promotion]]
kind = "threshold"
platform = "jd"
scope = "platform"
off = "50"
coupon = true
"""


def test_a_held_coupon_goes_where_it_saves_most_in_hand(pricing):
    """The handout counts what a coupon saves in hand: the phone's order gets the red
    packet (book 500.00 + phone 6000.00 - 500.00 = 6000.00), though before subsidies the
    two orders tie and ties go to the order named first (the book's: 6500.00)."""
    cart = parse_cart(HELD_COUPON_UNLOCKS_SUBSIDY, today=TODAY)
    priced = price(cart, {"book": Pick(0, "1"), "phone": Pick(0, "2")}, pricing)
    assert _in_hand(priced) == {"book": "500.00", "phone": "5500.00"}
    assert [order.coupons for order in priced.orders] == [(), (0,)]
    assert priced.total == D("6000.00")
