"""Merging equally cheap orders (`Search.merge_orders`) prices a merge first on the
platforms it can change: a platform and those its items share a subsidy quota with
(`Search._linked`). That is exact only if the engine prices such a group of platforms
alone as it prices them within the whole plan, which these checks hold it to on random
carts and plans; and a merge still happens where it costs nothing."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from planner.cart import Cart, Item, Offer
from planner.cost import Pick, Pricing, price
from planner.errors import PlanError
from planner.milp.adapter import problem_from_cart
from planner.milp.problem import Problem
from planner.milp.search import Search, never
from tests.clock import TODAY
from tests.planner.optimise_carts import SMALL_CARTS, carts

PRICING = Pricing.load()

Plan = dict[int, tuple[int, int]]


@st.composite
def plans(draw: st.DrawFn, problem: Problem) -> Plan:
    """An option and one of two orders per item (a wishlist item sometimes left out)."""
    plan = {}
    for i, item in enumerate(problem.items):
        if item.optional and draw(st.booleans()):
            continue
        option = draw(st.integers(min_value=0, max_value=len(item.options) - 1))
        plan[i] = (option, draw(st.integers(min_value=0, max_value=1)))
    return plan


@SMALL_CARTS
@given(carts(), st.data())
def test_platforms_no_subsidy_links_are_priced_alone_as_in_the_whole_plan(cart: Cart, data):
    try:
        problem = problem_from_cart(cart, PRICING.rules, PRICING.subsidies, {}, 2)
    except PlanError:
        return  # an item no offer allows: no plan at all
    search = Search(cart, PRICING, problem, {})
    plan = data.draw(plans(problem))
    picks = {
        problem.items[i].id: Pick(problem.items[i].options[o].offer, str(k + 1))
        for i, (o, k) in plan.items()
    }
    whole = price(cart, picks, PRICING).total
    groups = {
        search._linked(plan, problem.items[i].options[o].platform) for i, (o, _) in plan.items()
    }
    parts = sum((search._part_total(plan, g, math.inf, never) for g in groups), Decimal(0))
    assert parts == whole


def test_a_quota_shared_across_platforms_links_them():
    """Two phones on two platforms compete for one subsidy (one per category per person):
    a merge on one platform can move the subsidy, so the other is priced with it."""
    phone = Item(
        "phone",
        "phone",
        1,
        (Offer(platform="tmall", shop="A", price=Decimal(3000), subsidy="cn-2025-digital"),),
        category="phone",
    )
    spare = Item(
        "spare",
        "spare phone",
        1,
        (Offer(platform="jd", shop="B", price=Decimal(2500), subsidy="cn-2025-digital"),),
        category="phone",
    )
    snack = Item("snack", "snack", 1, (Offer(platform="pdd", shop="C", price=Decimal(20)),))
    cart = Cart(now=TODAY, items=(phone, spare, snack))
    problem = problem_from_cart(cart, PRICING.rules, PRICING.subsidies, {}, 2)
    search = Search(cart, PRICING, problem, {})
    plan = {0: (0, 0), 1: (0, 0), 2: (0, 0)}
    assert search._linked(plan, "tmall") == {"tmall", "jd"}
    assert search._linked(plan, "pdd") == {"pdd"}
