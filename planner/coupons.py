"""Held coupons: which orders spend them when fewer are held than orders could use.

A coupon is held, not printed (`planner.cart.is_coupon`): each order may use it once and
all orders together at most `uses` times. The cost engine first prices every order with
every coupon it may use. If no coupon is then wanted by more orders than hold it, that
is the answer: each order got the best it could have. Otherwise the coupons go to the
orders where they save most, exactly: a small assignment problem.

The rule, precisely: over all ways of giving each order a subset of the held coupons
within their `uses`, the engine takes the one with the least sum of order totals (after
shop, cross-store, coupon and member stages and shipping, before subsidies and credit,
which are settled per person afterwards); each order prices its subset as a checkout
does (the best coupon per shop and the best platform coupon among those it may use).
Ties go to the earlier order (the order in which the cart's items first name it).

Only the coupons that run short are "contested"; the others are never withheld. The
search starts with those the unconstrained pricing over-spends; if its answer, by
withholding, makes orders over-spend another, that one is contested too and the search
runs again. The answer respects every `uses`, and it is the cheapest even with the
uncontested coupons unlimited, so it is the cheapest overall.

For one order, every outcome of some subset is reached by starting from "all coupons"
and withholding, one at a time, a contested coupon the order used (a checkout's choice
is a best-of, so withholding a coupon it did not use changes nothing). A search over
the orders with the remaining uses as its state then picks the cheapest combination.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Generic, TypeVar

__all__ = ["Outcome", "assign_coupons"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """One order priced with some coupons withheld: its cost, the held coupons it spent,
    and the priced order itself (kept so the winner need not be priced again)."""

    cost: Decimal
    used: frozenset[int]
    result: T


#: Price one order (by key) with these held coupons withheld.
Evaluate = Callable[[K, frozenset[int]], Outcome[T]]


def assign_coupons(
    keys: Sequence[K], evaluate: Evaluate[K, T], uses: Mapping[int, int]
) -> dict[K, Outcome[T]]:
    """Each order's outcome, with the held coupons (index -> uses) given where they save
    most."""
    evaluate = _remembered(evaluate)
    first = {key: evaluate(key, frozenset()) for key in keys}
    contested: frozenset[int] = frozenset()
    chosen = [first[key] for key in keys]
    while short := _short(chosen, uses) - contested:
        contested |= short
        options = [_outcomes(key, first[key], evaluate, contested) for key in keys]
        chosen = _cheapest(options, contested, uses, len(keys))
    return dict(zip(keys, chosen, strict=True))


def _remembered(evaluate: Evaluate[K, T]) -> Evaluate[K, T]:
    """`evaluate` priced once per (order, coupons withheld): each round of the search,
    with more coupons contested, asks again for the outcomes it has already seen."""
    seen: dict[tuple[K, frozenset[int]], Outcome[T]] = {}

    def remembered(key: K, withheld: frozenset[int]) -> Outcome[T]:
        if (key, withheld) not in seen:
            seen[(key, withheld)] = evaluate(key, withheld)
        return seen[(key, withheld)]

    return remembered


def _short(outcomes: Sequence[Outcome[T]], uses: Mapping[int, int]) -> frozenset[int]:
    """The coupons these outcomes together spend more often than they are held."""
    demand: dict[int, int] = {}
    for outcome in outcomes:
        for coupon in outcome.used:
            demand[coupon] = demand.get(coupon, 0) + 1
    return frozenset(c for c, count in demand.items() if count > uses.get(c, count))


def _outcomes(
    key: K, start: Outcome[T], evaluate: Evaluate[K, T], contested: frozenset[int]
) -> list[Outcome[T]]:
    """The cheapest outcome per set of contested coupons spent, found by withholding used
    contested coupons one at a time from `start` (everything allowed)."""
    best: dict[frozenset[int], Outcome[T]] = {}
    seen: set[frozenset[int]] = set()
    pending: list[tuple[frozenset[int], Outcome[T]]] = [(frozenset(), start)]
    while pending:
        withheld, outcome = pending.pop(0)
        spent = outcome.used & contested
        if spent not in best or outcome.cost < best[spent].cost:
            best[spent] = outcome
        for coupon in sorted(spent):
            more = withheld | {coupon}
            if more not in seen:
                seen.add(more)
                pending.append((more, evaluate(key, more)))
    return sorted(best.values(), key=lambda o: (o.cost, len(o.used & contested)))


def _cheapest(
    options: list[list[Outcome[T]]], contested: frozenset[int], uses: Mapping[int, int], orders: int
) -> list[Outcome[T]]:
    """The outcome per order with the least total whose spending stays within the uses
    held of each contested coupon.

    Orders that share no contested coupon (another platform, another shop) do not
    compete, so each group of orders linked by the coupons they may spend is solved on
    its own: the total is the sum of the groups' totals, and the search's state is only
    the group's coupons (one search over every order counted the uses left of every
    contested coupon in the cart: 24 s to price a 200-item plan in three orders per
    platform)."""
    picks: list[int] = [0] * len(options)
    for group in _groups(options, contested):
        coupons = sorted({c for n in group for o in options[n] for c in o.used & contested})
        held = tuple(min(uses[c], orders) for c in coupons)
        for n, index in zip(
            group, _search([options[n] for n in group], coupons, held), strict=True
        ):
            picks[n] = index
    return [options[n][index] for n, index in enumerate(picks)]


def _groups(options: list[list[Outcome[T]]], contested: frozenset[int]) -> list[list[int]]:
    """The orders (by position, in order) in groups linked by contested coupons."""
    parent = list(range(len(options)))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    holder: dict[int, int] = {}
    for n, outcomes in enumerate(options):
        for coupon in {c for o in outcomes for c in o.used & contested}:
            if coupon in holder:
                parent[root(n)] = root(holder[coupon])
            else:
                holder[coupon] = n
    groups: dict[int, list[int]] = {}
    for n in range(len(options)):
        groups.setdefault(root(n), []).append(n)
    return list(groups.values())


def _search(
    options: list[list[Outcome[T]]], coupons: list[int], held: tuple[int, ...]
) -> tuple[int, ...]:
    """Per order of one group, the index of its outcome in the cheapest combination
    within `held` (the uses of `coupons`); ties go to the earlier order's earlier outcome."""
    position_of = {c: n for n, c in enumerate(coupons)}
    spends = [
        [[position_of[c] for c in o.used if c in position_of] for o in opts] for opts in options
    ]

    @cache
    def solve(position: int, left: tuple[int, ...]) -> tuple[Decimal, tuple[int, ...]]:
        if position == len(options):
            return Decimal(0), ()
        best: tuple[Decimal, tuple[int, ...]] | None = None
        for index, outcome in enumerate(options[position]):
            spent = spends[position][index]
            if any(left[n] == 0 for n in spent):
                continue
            after = tuple(v - (n in spent) for n, v in enumerate(left))
            rest, picks = solve(position + 1, after)
            if best is None or outcome.cost + rest < best[0]:
                best = (outcome.cost + rest, (index, *picks))
        assert best is not None, "an order can always spend no contested coupon"
        return best

    return solve(0, held)[1]
