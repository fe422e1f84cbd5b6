"""Moving single items (and swapping pairs) in a plan, priced by the cost engine
(`planner.milp.improve`): it finds the split a coupon used once per order pays for, and
on random carts it only ever takes plans the engine prices lower than the one it had."""

from __future__ import annotations

import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given

from planner.cart import Cart
from planner.cart_file import load_cart
from planner.cost import Pick, Pricing, price
from planner.milp import search as search_module
from planner.milp.adapter import problem_from_cart
from planner.milp.formulation import order_slots
from planner.milp.improve import OrderCosts, Plan, improve
from planner.milp.problem import Problem
from planner.milp.search import OutOfTime, Search
from tests.clock import TODAY
from tests.planner.optimise_carts import (
    SMALL_CARTS,
    brute_force,
    carts,
    held_twice,
    required_only,
)

PRICING = Pricing.load()
FIXTURES = Path(__file__).parent.parent / "fixtures" / "optimise"


def engine_total(cart: Cart, problem: Problem, plan: Plan) -> Decimal:
    picks = {
        problem.items[i].id: Pick(problem.items[i].options[o].offer, str(k + 1))
        for i, (o, k) in plan.items()
    }
    return price(cart, picks, PRICING).total


def run(cart: Cart, start: Plan, orders: int) -> tuple[Plan, list[Decimal]]:
    """`improve` from `start`; returns its plan and the engine totals of the plans it
    took, in order (each one it asked about and that cost less than the last taken)."""
    problem = problem_from_cart(cart, PRICING.rules, PRICING.subsidies, {}, orders)
    kept: list[Decimal] = []

    def value(plan: Plan) -> Decimal:
        total = engine_total(cart, problem, plan)
        if not kept or total < kept[-1]:
            kept.append(total)
        return total

    costs = OrderCosts(cart, PRICING, problem)
    stop = time.perf_counter() + 60
    found = improve(start, problem, order_slots(problem), costs, value, lambda: stop)
    return found, kept


def first_offers(cart: Cart) -> Plan:
    """Every item at its first offer, all of a platform's items in one order."""
    return {i: (0, 0) for i in range(len(cart.items))}


def test_a_move_to_a_second_order_earns_the_coupon_twice():
    """The shopper holds two of the red packet (uses = 2): only then does a second order
    earn it again."""
    cart = held_twice(load_cart(FIXTURES / "split-per-order-coupon.toml", today=TODAY))
    found, kept = run(cart, first_offers(cart), 3)
    assert kept == [Decimal("370.00"), Decimal("340.00")]
    assert len({k for _, k in found.values()}) == 2


@SMALL_CARTS
@given(carts(max_items=5))
def test_improving_keeps_only_cheaper_plans_and_never_beats_the_optimum(cart):
    cart = required_only(cart)
    assume(cart.items and cart.budget is None)
    assume(all(any(o.limit is None or o.limit >= i.qty for o in i.offers) for i in cart.items))
    problem = problem_from_cart(cart, PRICING.rules, PRICING.subsidies, {}, 2)
    start = {i: (0, 0) for i in range(len(problem.items))}
    found, kept = run(cart, start, 2)
    assert engine_total(cart, problem, found) == kept[-1]
    assert kept == sorted(kept, reverse=True)
    best = brute_force(cart, PRICING, 2)
    assert best is not None
    assert kept[-1] >= best[0]


def test_a_pricing_still_running_at_the_deadline_is_given_up_and_its_plan_dropped(monkeypatch):
    """How long a plan takes to price is known only afterwards (the held coupons' handout
    grows with the orders contesting them), so the local search gives up a pricing at
    its deadline and the optimiser answers on time; the plan is not kept, whatever it
    costs. The engine here waits until the test lets it go: no clock decides."""
    cart = load_cart(FIXTURES / "split-for-held-coupon.toml", today=TODAY)
    problem = problem_from_cart(cart, PRICING.rules, PRICING.subsidies, {}, 3)
    search = Search(cart, PRICING, problem, {})
    released, finished = threading.Event(), threading.Event()

    def held_back(*args: object) -> object:
        released.wait(60)
        try:
            return price(*args)  # type: ignore[arg-type]
        finally:
            finished.set()

    monkeypatch.setattr(search_module, "price", held_back)
    value = search.value_by(deadline=time.perf_counter() + 0.05)
    with pytest.raises(OutOfTime):
        value(search.naive_plan())
    released.set()
    assert finished.wait(60)  # the pricing ran to its end in its own thread...
    assert search.best is None  # ...and its plan was dropped
