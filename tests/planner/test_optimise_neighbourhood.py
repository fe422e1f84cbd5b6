"""The first plan of a cart split over several orders comes from the neighbourhood of the
LP relaxation (`planner.optimise._solve_neighbourhood`): every item kept to the offers the
relaxation gives weight, in all of their order slots. Its plans are priced by the engine
like any other, and its bound, which holds only inside the neighbourhood, never becomes
the cart's."""

from __future__ import annotations

import math

from planner.cost import Pricing, price
from planner.milp.adapter import problem_from_cart
from planner.milp.formulation import build
from planner.milp.search import Search
from planner.milp.slots import Formulation
from planner.milp.solver import run
from planner.optimise import _solve_neighbourhood, optimise
from tests.planner.test_optimise_deadline import sale_cart

PRICING = Pricing.load()


def setting(size: int, seed: int) -> tuple[Search, Formulation]:
    cart = sale_cart(size, seed)
    problem = problem_from_cart(cart, PRICING.rules, PRICING.subsidies, {}, 3)
    return Search(cart, PRICING, problem, {}), build(problem)


def test_the_neighbourhood_keeps_every_slot_of_each_offer_the_relaxation_weighs():
    _, form = setting(30, 1)
    assert max(form.orders.values()) > 1  # the carts these rules are for
    relaxed = run(form.model.request(60.0, relaxed=True))
    outside = set(form.outside(relaxed.values))
    weighed = {(i, o) for (i, o, _), var in form.x.items() if relaxed.values[var] > 1e-6}
    for (i, o, k), var in form.x.items():
        assert (var in outside) == ((i, o) not in weighed), (i, o, k)
    # A real neighbourhood: some offers are left out, and every item keeps one.
    assert outside and all(any(i == j for j, _ in weighed) for i in range(30))


def test_its_plan_is_priced_by_the_engine_and_its_bound_is_not_the_carts():
    search, form = setting(30, 2)
    _solve_neighbourhood(form, search, deadline=math.inf, gap=0.0, child=None)
    assert search.best is not None
    assignment, priced, _ = search.best
    assert priced.total == price(search.cart, assignment, PRICING).total
    assert search.bound.is_infinite() and search.bound < 0


def test_no_time_for_a_neighbourhood_leaves_the_search_to_the_whole_model():
    search, form = setting(30, 3)
    _solve_neighbourhood(form, search, deadline=0.0, gap=0.0, child=None)
    assert search.best is None
    plan = optimise(search.cart, PRICING, time_limit=5.0, gap=0.005)
    assert plan.priced.total == price(search.cart, plan.assignment, PRICING).total
