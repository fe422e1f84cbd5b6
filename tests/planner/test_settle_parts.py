"""The coupon handout's measure summed per order (`planner.settle.settling`): where only
the subsidy quota links orders after the coupons, the engine sums each order's part
instead of settling copies of every line for each combination of outcomes. The sum must
equal settling in full for every combination the handout measures, and price every plan
the same: checked on random carts (every promotion kind, held coupons, shopping credit,
budgets) and on carts where coupons decide subsidies at their price ceiling."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from planner import cost, settle
from planner.cart import Cart, FreeShipping
from planner.cost import Pick, Pricing, price
from planner.errors import PlanError
from planner.ledger import Line
from planner.order_discounts import ShopFee
from planner.rules import Rulebook
from planner.settle import Settling
from planner.subsidy import SubsidyProgramme
from tests.planner.optimise_carts import SMALL_CARTS, carts, ceiling_carts
from tests.planner.test_coupons import SHOP_COUPON, SPLIT, two_items

PRICING = Pricing.load()

#: Plans priced per cart, each item at a random offer in one of three orders of its
#: platform (split orders are where held coupons run short and the handout measures).
PLANS = 30


@st.composite
def with_shipping(draw: st.DrawFn, cart: Cart) -> Cart:
    """`cart` with a shipping fee on some offers (the ceiling carts have none), so that
    orders reaching a held coupon also owe shipping, and some a free-shipping threshold."""
    fees = st.sampled_from([Decimal(0), Decimal(6), Decimal("12.50")])
    items = tuple(
        replace(item, offers=tuple(replace(o, shipping=draw(fees)) for o in item.offers))
        for item in cart.items
    )
    free = (FreeShipping("tmall", Decimal(99)),) if draw(st.booleans()) else ()
    return replace(cart, items=items, promotions=cart.promotions + free)


@st.composite
def plans(draw: st.DrawFn, cart: Cart) -> dict[str, Pick]:
    plan = {}
    for item in cart.items:
        allowed = [n for n, o in enumerate(item.offers) if o.limit is None or item.qty <= o.limit]
        if not allowed or (item.optional and draw(st.booleans())):
            continue
        plan[item.id] = Pick(draw(st.sampled_from(allowed)), draw(st.sampled_from("123")))
    return plan


class Measured:
    """`settled_total` as the engine calls it with the sum turned off, checking on each
    call that the sum of the orders' parts, wherever it applies, gives the same."""

    def __init__(self) -> None:
        self.summed = 0

    def __call__(
        self,
        runs: Iterable[tuple[Sequence[Line], Sequence[ShopFee]]],
        cart: Cart,
        subsidies: dict[str, SubsidyProgramme],
        rules: Rulebook,
    ) -> Decimal:
        runs = list(runs)
        parts = [settle.settling(lines, fees, cart, subsidies, rules) for lines, fees in runs]
        full = settle.settled_total(runs, cart, subsidies, rules)
        if all(part is not None for part in parts):
            assert Settling.total(p for p in parts if p is not None) == full
            self.summed += 1
        return full


def price_both_ways(cart: Cart, assignments: list[dict[str, Pick]]) -> Measured:
    measured = Measured()
    for assignment in assignments:
        with (
            mock.patch.object(cost, "settling", lambda *args: None),
            mock.patch.object(cost, "settled_total", measured),
        ):
            try:
                full = price(cart, assignment, PRICING)
            except PlanError as error:
                failed = str(error)
            else:
                failed = None
        if failed is not None:
            try:
                price(cart, assignment, PRICING)
            except PlanError as error:
                assert str(error) == failed
                continue
            raise AssertionError(f"summed, the plan priced where in full it failed: {failed}")
        assert price(cart, assignment, PRICING) == full
    return measured


@SMALL_CARTS
@given(st.data())
def test_orders_summed_price_every_plan_as_settling_in_full(data: st.DataObject):
    cart = data.draw(carts())
    price_both_ways(cart, data.draw(st.lists(plans(cart), min_size=PLANS, max_size=PLANS)))


@SMALL_CARTS
@given(st.data())
def test_orders_summed_price_plans_at_the_subsidy_ceiling_as_settling_in_full(
    data: st.DataObject,
):
    cart = data.draw(with_shipping(data.draw(ceiling_carts())))
    price_both_ways(cart, data.draw(st.lists(plans(cart), min_size=PLANS, max_size=PLANS)))


def test_the_sum_is_compared_where_a_held_coupon_runs_short():
    """Two orders that each reach the shop coupon held once: the handout measures who
    gets it, by the sum, and the check above compares it with settling in full."""
    cart = two_items("200", "210", SHOP_COUPON)
    measured = price_both_ways(cart, [SPLIT])
    assert measured.summed > 0
