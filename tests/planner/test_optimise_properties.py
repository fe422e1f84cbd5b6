"""Property tests: on random carts the optimiser finds what a brute force finds.

Every assignment of a random cart (offer and order for each item, optional items in or
out) is priced with the cost engine; the optimiser, proven optimal, must reach the same
least objective to the cent (under the shipped platform rules and under every setting
swapped), never cost more than buying the items one by one, never go
negative, and report per-unit costs consistent with its totals.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from planner.cost import Pricing, price
from planner.errors import PlanError
from planner.optimise import optimise
from tests.planner.optimise_carts import (
    brute_force,
    carts,
    objective,
    orders_allowed,
    solo_assignment,
)

PRICING = Pricing.load()
SWAPPED = Pricing.load(
    user_rules=Path(__file__).parent.parent / "fixtures" / "optimise" / "platforms-swapped.toml"
)
PROFILE = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("pricing", [PRICING, SWAPPED], ids=["shipped-rules", "swapped-rules"])
@PROFILE
@given(cart=carts())
def test_optimum_equals_brute_force(pricing, cart):
    orders = orders_allowed(cart)
    best = brute_force(cart, pricing, orders)
    if best is None:
        with pytest.raises(PlanError):
            optimise(cart, pricing, max_orders_per_platform=orders)
        return
    plan = optimise(cart, pricing, max_orders_per_platform=orders, time_limit=30)
    assert plan.status == "optimal"
    assert objective(cart, plan.priced, pricing) == best[0]


@PROFILE
@given(carts())
def test_never_worse_than_one_by_one_and_consistent(cart):
    """Buying one by one is a plan with an order per item, so with as many orders allowed
    the optimiser never does worse."""
    try:
        plan = optimise(cart, PRICING, max_orders_per_platform=len(cart.items), time_limit=30)
    except PlanError:
        blocked = [
            item
            for item in cart.items
            if not item.optional
            and all(o.limit is not None and item.qty > o.limit for o in item.offers)
        ]
        assert cart.budget is not None or blocked
        return
    one_by_one = price(cart, solo_assignment(cart, PRICING), PRICING).total
    assert objective(cart, plan.priced, PRICING) <= one_by_one
    assert plan.total >= 0
    assert plan.total == sum((item.in_hand for item in plan.priced.items), Decimal(0))
    for item in plan.priced.items:
        assert item.in_hand >= 0
        half_cent = Decimal("0.005")
        assert (
            abs(item.per_unit * item.quantity - item.in_hand)
            <= item.quantity * half_cent + half_cent
        )
