"""Improve a plan by moving one item at a time, priced by the cost engine.

With several orders per platform the MILP's bound closes slowly, and so does its search
for plans: after 5 s on a 30-item cart its best plan was still 0.2-0.5% above plans one
item move away. A move (another offer, another order of a platform, or both) changes only
the orders the item leaves and enters, so each move is first *estimated* by pricing just
those orders as carts of their own (cached by their contents), and only a move estimated
to save at least a cent is priced in full. The full pricing decides: the estimate ignores
what couples orders (a subsidy quota per person, shopping credit per platform), so it
only chooses which moves are worth pricing, and no plan is ever kept on an estimate.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from decimal import Decimal

from planner.cart import Cart
from planner.cost import Pick, Pricing, price
from planner.milp.problem import Problem

Plan = dict[int, tuple[int, int]]
#: When to stop, as a `time.perf_counter()` reading, asked anew before each step.
Deadline = Callable[[], float]
#: An order: (platform, slot).
Group = tuple[str, int]

CENT = Decimal("0.01")


class OrderCosts:
    """What each order would cost checked out on its own, cached by its contents."""

    def __init__(self, cart: Cart, pricing: Pricing, problem: Problem) -> None:
        self._cart = replace(cart, budget=None)
        self._pricing = pricing
        self._problem = problem
        self._cache: dict[frozenset[tuple[int, int]], Decimal] = {}

    def cost(self, members: frozenset[tuple[int, int]]) -> Decimal:
        """The engine's total for the (item, option) pairs of one order, alone."""
        if not members:
            return Decimal(0)
        found = self._cache.get(members)
        if found is None:
            items = self._problem.items
            picks = {items[i].id: Pick(items[i].options[o].offer) for i, o in members}
            chosen = tuple(item for item in self._cart.items if item.id in picks)
            found = price(replace(self._cart, items=chosen), picks, self._pricing).total
            self._cache[members] = found
        return found


def improve(
    plan: Plan,
    problem: Problem,
    slots: dict[str, int],
    costs: OrderCosts,
    value: Callable[[Plan], Decimal],
    deadline: Deadline,
) -> Plan:
    """Move single items, then swap two items between orders of a platform, while that
    lowers the total; return the last accepted plan.

    `slots` is how many orders each platform may use; `value(plan)` prices a candidate in
    full (the caller keeps the best it was asked about); a candidate is taken if it costs
    less than the current plan. Stops at a local optimum or at `deadline()`, read anew
    before each step (the caller moves it as pricings grow slower). A pass makes
    every move its estimate favours and prices the result once (a full pricing costs as
    much as ten orders' estimates); only if the engine disagrees are the moves priced one
    by one. Swaps are tried only once no single move pays: they cost a pricing per pair,
    and exchange what a single move cannot (two items each keeping its own order above a
    threshold).
    """
    current, current_value = dict(plan), value(plan)

    def accept(candidate: Plan) -> bool:
        nonlocal current_value
        found = value(candidate)
        if found < current_value:
            current_value = found
            return True
        return False

    while time.perf_counter() < deadline():
        batch = dict(current)
        for i in sorted(batch):
            if time.perf_counter() >= deadline():
                break
            move = _best_move(batch, i, problem, slots, costs)
            if move is not None:
                batch[i] = move
        if time.perf_counter() >= deadline():  # no time left to price the pass
            return current
        if batch != current and accept(batch):
            current = batch
            continue
        candidates = itertools.chain(
            _single_moves(current, problem, slots, costs, deadline),
            _swaps(current, problem, costs, deadline),
        )
        found = _first_accepted(candidates, accept, deadline)
        if found is None:
            return current
        current = found
    return current


def _single_moves(
    plan: Plan, problem: Problem, slots: dict[str, int], costs: OrderCosts, deadline: Deadline
) -> Iterator[Plan]:
    """Plans moving one item of `plan`, estimated to save at least a cent."""
    for i in sorted(plan):
        if time.perf_counter() >= deadline():
            return
        move = _best_move(plan, i, problem, slots, costs)
        if move is not None:
            yield {**plan, i: move}


def _first_accepted(
    candidates: Iterator[Plan], accept: Callable[[Plan], bool], deadline: Deadline
) -> Plan | None:
    """The first candidate `accept` keeps, if any before `deadline`."""
    for candidate in candidates:
        if time.perf_counter() >= deadline():
            return None
        if accept(candidate):
            return candidate
    return None


def _swaps(plan: Plan, problem: Problem, costs: OrderCosts, deadline: Deadline) -> Iterator[Plan]:
    """Plans exchanging two items between two orders of a platform (each keeping its
    offer), estimated to save at least a cent."""
    groups = _groups(plan, problem)
    items = sorted(plan)
    for a, i in enumerate(items):
        if time.perf_counter() >= deadline():
            return
        oi, ki = plan[i]
        platform = problem.items[i].options[oi].platform
        for j in items[a + 1 :]:
            oj, kj = plan[j]
            if kj == ki or problem.items[j].options[oj].platform != platform:
                continue
            first, second = groups[(platform, ki)], groups[(platform, kj)]
            after = costs.cost(first - {(i, oi)} | {(j, oj)}) + costs.cost(
                second - {(j, oj)} | {(i, oi)}
            )
            if costs.cost(first) + costs.cost(second) - after >= CENT:
                yield {**plan, i: (oi, kj), j: (oj, ki)}


def _best_move(
    plan: Plan, item: int, problem: Problem, slots: dict[str, int], costs: OrderCosts
) -> tuple[int, int] | None:
    """The (option, slot) for `item` whose estimated saving is largest, if above a cent."""
    groups = _groups(plan, problem)
    option, slot = plan[item]
    source = (problem.items[item].options[option].platform, slot)
    left = groups[source] - {(item, option)}
    before = costs.cost(groups[source])
    without = costs.cost(left)
    best, best_saving = None, CENT - Decimal("0.001")
    for o, candidate in enumerate(problem.items[item].options):
        for k in range(slots.get(candidate.platform, 1)):
            if (o, k) == (option, slot):
                continue
            target = (candidate.platform, k)
            if target == source:
                saving = before - costs.cost(left | {(item, o)})
            else:
                members = groups.get(target, frozenset())
                saving = before - without + costs.cost(members) - costs.cost(members | {(item, o)})
            if saving > best_saving:
                best, best_saving = (o, k), saving
    return best


def _groups(plan: Plan, problem: Problem) -> dict[Group, frozenset[tuple[int, int]]]:
    found: dict[Group, set[tuple[int, int]]] = {}
    for i, (o, k) in plan.items():
        found.setdefault((problem.items[i].options[o].platform, k), set()).add((i, o))
    return {group: frozenset(members) for group, members in found.items()}
