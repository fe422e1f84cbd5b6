"""Column generation over whole orders (`planner.milp.columns`): its bound never exceeds
the cheapest plan a brute force finds, its plan is a real plan within the order slots,
and where two checkouts each earn a once-per-order coupon it finds and proves the split."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given

from planner.cart import Cart
from planner.cart_file import load_cart
from planner.cost import Pick, Pricing, price
from planner.milp import columns as columns_module
from planner.milp.adapter import problem_from_cart
from planner.milp.columns import ColumnSearch, Duals, Plan
from planner.milp.formulation import order_slots
from planner.milp.search import Search
from planner.optimise import optimise, standalone_cost
from tests.clock import TODAY
from tests.planner.optimise_carts import (
    SMALL_CARTS,
    brute_force,
    carts,
    held_twice,
    orders_allowed,
)

PRICING = Pricing.load()
FIXTURES = Path(__file__).parent.parent / "fixtures" / "optimise"


def generate(cart: Cart, orders: int) -> tuple[ColumnSearch, Search, dict[str, int]]:
    """Run column generation to convergence, started as the optimiser starts it (from
    the naive plan's orders and in-hand prices). Wishlist items are worth exactly what
    they cost alone, as the brute force counts them."""
    values = {
        item.id: standalone_cost(cart, item, PRICING)
        for item in cart.items
        if item.optional and any(o.limit is None or item.qty <= o.limit for o in item.offers)
    }
    problem = problem_from_cart(cart, PRICING.rules, PRICING.subsidies, values, orders)
    slots = order_slots(problem)
    search = Search(cart, PRICING, problem, values)
    naive = search.naive_plan()
    priced = search.priced(naive)
    start = Duals(search.in_hand(priced), {}, {}, [item.optional for item in problem.items])
    found = ColumnSearch(problem, slots)
    restarts = iter([start])  # the naive plan "found" again: its duals are priced anew
    found.run(
        start,
        lambda: (search.orders(naive, priced), next(restarts, None)),
        lambda bound: False,
        deadline=time.perf_counter() + 60,
        reserve=30,
    )
    return found, search, slots


def engine_objective(cart: Cart, search: Search, plan: Plan) -> Decimal:
    """The engine's objective for `plan`: its total less the worth of wishlist items."""
    items = search.problem.items
    picks = {items[i].id: Pick(items[i].options[o].offer, str(k + 1)) for i, (o, k) in plan.items()}
    worth = sum((search.values.get(item_id, Decimal(0)) for item_id in picks), Decimal(0))
    return price(cart, picks, PRICING).total - worth


@SMALL_CARTS
@given(carts(max_items=5))
def test_the_bound_never_exceeds_the_cheapest_plan_and_the_plan_is_real(cart):
    orders = orders_allowed(cart)
    best = brute_force(cart, PRICING, orders)
    assume(best is not None)
    assert best is not None
    found, search, slots = generate(cart, orders)
    assert found.bound <= float(best[0]) + 1e-6
    plan = found.plan
    assert plan is not None
    problem = search.problem
    for i, item in enumerate(problem.items):
        assert item.optional or i in plan, f"{item.id} is not bought"
    used: dict[str, set[int]] = {}
    for i, (o, k) in plan.items():
        used.setdefault(problem.items[i].options[o].platform, set()).add(k)
    for platform, orders_used in used.items():
        assert orders_used <= set(range(slots[platform]))
    if cart.budget is None:
        assert engine_objective(cart, search, plan) >= best[0]


def test_two_checkouts_each_earning_a_coupon_are_found_and_proven():
    """满200减30 once per order on two items of 200, the shopper holding two (uses = 2,
    else only one order could spend it): the split (340.00) is the master's plan, and
    the bound reaches it (one order of 400 costs 370.00)."""
    cart = held_twice(load_cart(FIXTURES / "split-per-order-coupon.toml", today=TODAY))
    found, search, _ = generate(cart, 3)
    assert found.plan is not None
    assert engine_objective(cart, search, found.plan) == Decimal("340.00")
    assert found.bound == pytest.approx(340.0, abs=0.01)


def test_the_optimiser_raises_what_goes_wrong_beside_it(monkeypatch):
    """An error in the column generation thread is not swallowed: the optimiser raises it."""

    def broken(self, *args, **kwargs):
        raise RuntimeError("column generation failed")

    monkeypatch.setattr(columns_module.ColumnSearch, "run", broken)
    # two red packets held (uses = 2), so the cart has two orders and columns run beside
    split = held_twice(load_cart(FIXTURES / "split-per-order-coupon.toml", today=TODAY))
    with pytest.raises(RuntimeError, match="column generation failed"):
        optimise(split, PRICING, time_limit=5)
