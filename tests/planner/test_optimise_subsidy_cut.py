"""The subsidy cut local to one order is sound: checked by brute force on carts where held
coupons decide subsidies at the 6000 ceiling and at the cap.

The optimiser bounds an item's subsidy, for exactly its order's composition, by the most
it could get there over every set of held coupons the order could receive
(`planner.cost.most_subsidy`): the handout gives an order different coupons in different
plans, as other orders compete for them. A bound taken from one plan's handout would be
too low for another plan (a coupon withheld raises a 15% subsidy by 15% of it, or drops
the item back above the ceiling), and would cut off real plans: a false "optimal". So:

- in every plan of each cart, every item's subsidy is at most that bound for its order;
- the optimiser, proven optimal, reaches the brute force's least total.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given

from planner.cost import Pick, Pricing, most_subsidy, price
from planner.optimise import optimise
from tests.planner.optimise_carts import SMALL_CARTS, assignments, brute_force, ceiling_carts

PRICING = Pricing.load()
ORDERS = 3


@SMALL_CARTS
@given(cart=ceiling_carts())
def test_no_plan_gets_more_subsidy_than_its_order_bound(cart):
    bounds: dict[frozenset[tuple[str, int]], dict[str, Decimal]] = {}
    for assignment in assignments(cart, ORDERS):
        priced = price(cart, assignment, PRICING)
        for order in priced.orders:
            picks = {i: Pick(assignment[i].offer) for i in order.item_ids}
            key = frozenset((i, pick.offer) for i, pick in picks.items())
            if key not in bounds:
                bounds[key] = most_subsidy(cart, picks, PRICING)
            granted = defaultdict(Decimal)
            for item in priced.items:
                if item.id in picks:
                    granted[item.id] = -sum(
                        (s.amount for s in item.steps if s.kind == "subsidy"), Decimal(0)
                    )
            for item_id, amount in granted.items():
                assert amount <= bounds[key][item_id], (item_id, assignment, amount)


@SMALL_CARTS
@given(cart=ceiling_carts())
def test_optimum_equals_brute_force_where_coupons_decide_subsidies(cart):
    best = brute_force(cart, PRICING, ORDERS)
    assert best is not None
    plan = optimise(cart, PRICING, max_orders_per_platform=ORDERS, time_limit=30)
    assert plan.status == "optimal"
    assert plan.total == best[0]
