"""How many orders the optimiser considers per platform: a second order only where one
can pay for itself, and the held-coupon handout that prices split plans.

Fewer order slots make the model smaller and its bound stronger, but a slot left out
where a split pays would make the optimiser call a worse plan optimal: each test here
checks both the count and the plan the optimiser then proves."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.cart import Cart, EveryOff, Item, Offer, PercentOff
from planner.cost import Pricing
from planner.coupons import Outcome, assign_coupons
from planner.milp.adapter import problem_from_cart
from planner.milp.formulation import order_slots
from planner.optimise import optimise
from tests.clock import TODAY

VIP = PercentOff("tmall", "platform", Decimal("0.95"), cap=Decimal(100), requires_member="88vip")
CROSS = EveryOff("tmall", "cross_store", Decimal(300), Decimal(50))


@pytest.fixture(scope="module")
def pricing():
    return Pricing.load()


def tmall_cart(prices: list[str], promotions, subsidy: str | None = None) -> Cart:
    """Items on Tmall, one shop each, carrying the cross-store mark; the first one
    subsidised (a phone) when `subsidy` names a programme."""
    items = tuple(
        Item(
            id=f"i{n}",
            name=f"item {n}",
            qty=1,
            offers=(
                Offer(
                    "tmall",
                    f"shop {n}",
                    Decimal(price),
                    cross_store=True,
                    subsidy=subsidy if n == 0 else None,
                ),
            ),
            category="phone" if subsidy and n == 0 else "household",
        )
        for n, price in enumerate(prices)
    )
    return Cart(now=TODAY, items=items, promotions=tuple(promotions), members=("88vip",))


def slots(cart: Cart, pricing: Pricing) -> dict[str, int]:
    return order_slots(problem_from_cart(cart, pricing.rules, pricing.subsidies, {}, 3))


def test_a_capped_percentage_splits_only_past_its_cap(pricing):
    """88VIP takes 5% up to 100 per order. Below 2000 in all, one order gets the whole 5%
    and a split gains nothing but a rounding cent: one slot. At 2500, two orders of 1300
    and 1200 get 65 + 60 off, one order only 100: the split is found and proven."""
    small = tmall_cart(["800", "700"], [VIP])
    assert slots(small, pricing) == {"tmall": 1}
    plan = optimise(small, pricing)
    assert (plan.status, plan.total) == ("optimal", Decimal("1425.00"))

    large = tmall_cart(["1300", "1200"], [VIP])
    assert slots(large, pricing) == {"tmall": 2}
    plan = optimise(large, pricing)
    assert (plan.status, plan.total) == ("optimal", Decimal("2375.00"))
    assert len(plan.priced.orders) == 2


def test_a_subsidy_at_its_cap_in_any_order_gives_no_reason_to_split(pricing):
    """A phone of 5000 keeps more than 3333 after any share of 每300减50, so its 15%
    subsidy is 500 (the cap) in every order: one slot, and one order of 5100 (850 off)
    beats the phone alone (800 off) beside the case."""
    cart = tmall_cart(["5000", "100"], [CROSS], subsidy="cn-2025-digital")
    assert slots(cart, pricing) == {"tmall": 1}
    plan = optimise(cart, pricing)
    assert (plan.status, plan.total) == ("optimal", Decimal("3750.00"))


def test_a_subsidy_near_its_price_ceiling_keeps_the_slots(pricing):
    """A phone of 7200 can fall to the 6000 ceiling only with the whole discount: which
    order it sits in matters, so the platform keeps its slots (the split-for-subsidy-
    ceiling fixture: alone it is subsidised, beside the case it is not)."""
    cart = tmall_cart(["7200", "100"], [CROSS], subsidy="cn-2025-digital")
    assert slots(cart, pricing) == {"tmall": 2}
    assert optimise(cart, pricing).total == Decimal("5600.00")


#: Per order: its platform and what each held coupon of that platform would save it.
orders = st.lists(
    st.tuples(
        st.sampled_from(["jd", "pdd"]),
        st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=2),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(orders=orders, uses=st.lists(st.integers(1, 2), min_size=4, max_size=4))
def test_the_handout_is_the_cheapest_within_the_uses_held(orders, uses):
    """Coupons 0-1 are JD's, 2-3 Pinduoduo's; each order may spend every coupon of its
    platform once. The handout, searched per group of orders that compete, costs what the
    cheapest of all handouts within `uses` costs (every subset of coupons per order)."""
    held = dict(enumerate(uses))

    def mine(n: int) -> list[int]:
        return [0, 1] if orders[n][0] == "jd" else [2, 3]

    def saving(n: int, coupon: int) -> int:
        return orders[n][1][mine(n).index(coupon)]

    def evaluate(n: int, withheld: frozenset[int]) -> Outcome[None]:
        used = frozenset(c for c in mine(n) if c not in withheld and saving(n, c) > 0)
        return Outcome(Decimal(100 - sum(saving(n, c) for c in used)), used, None)

    keys = list(range(len(orders)))
    found = assign_coupons(keys, evaluate, held)
    spent = [c for outcome in found.values() for c in outcome.used]
    assert all(spent.count(c) <= held[c] for c in held)
    subsets = [
        [frozenset(s) for r in range(3) for s in itertools.combinations(mine(n), r)] for n in keys
    ]
    cheapest = min(
        sum(100 - sum(saving(n, c) for c in chosen) for n, chosen in enumerate(choice))
        for choice in itertools.product(*subsets)
        if all(sum(c in chosen for chosen in choice) <= held[c] for c in held)
    )
    assert sum(outcome.cost for outcome in found.values()) == cheapest


#: Per order: what each of the two held coupons would save it, and a bonus (a subsidy)
#: it earns when the coupons it spends save it at least 5, in category a or b.
linked_orders = st.lists(
    st.tuples(
        st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=2),
        st.integers(min_value=0, max_value=20),
        st.sampled_from("ab"),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(orders=linked_orders, uses=st.lists(st.integers(1, 2), min_size=2, max_size=2))
def test_the_handout_is_the_cheapest_in_hand_within_the_uses_held(orders, uses):
    """Two coupons any order may spend, and after them a bonus per category that only one
    order can take (the largest, like one subsidy per category per person): the handout
    costs, in hand, what the cheapest of all handouts within `uses` costs."""
    held = dict(enumerate(uses))

    def cost(n: int, used: frozenset[int]) -> Decimal:
        return Decimal(100 - sum(orders[n][0][c] for c in used))

    def evaluate(n: int, withheld: frozenset[int]) -> Outcome[int]:
        used = frozenset(c for c in (0, 1) if c not in withheld and orders[n][0][c] > 0)
        return Outcome(cost(n, used), used, n)

    def in_hand(chosen: dict[int, frozenset[int]]) -> Decimal:
        bonus = {"a": 0, "b": 0}
        for n, used in chosen.items():
            if cost(n, used) <= 95:
                bonus[orders[n][2]] = max(bonus[orders[n][2]], orders[n][1])
        return sum((cost(n, used) for n, used in chosen.items()), Decimal(0)) - sum(bonus.values())

    keys = list(range(len(orders)))
    found = assign_coupons(
        keys,
        evaluate,
        held,
        in_hand=lambda chosen: in_hand({n: o.used for n, o in chosen.items()}),
        links=lambda n: frozenset({orders[n][2]}),
    )
    spent = [c for outcome in found.values() for c in outcome.used]
    assert all(spent.count(c) <= held[c] for c in held)
    subsets = [frozenset(s) for r in range(3) for s in itertools.combinations((0, 1), r)]
    cheapest = min(
        in_hand(dict(enumerate(choice)))
        for choice in itertools.product(subsets, repeat=len(keys))
        if all(sum(c in chosen for chosen in choice) <= held[c] for c in held)
    )
    assert in_hand({n: o.used for n, o in found.items()}) == cheapest
