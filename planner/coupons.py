"""Held coupons: which orders spend them when fewer are held than orders could use.

A coupon is held, not printed (`planner.cart.is_coupon`): each order may use it once and
all orders together at most `uses` times. The cost engine first prices every order with
every coupon it may use. If no coupon is then wanted by more orders than hold it, that
is the answer: each order got the best it could have. Otherwise the coupons go to the
orders where they save most, exactly: a small assignment problem.

The rule, precisely: over all ways of giving each order a subset of the held coupons
within their `uses`, the engine takes the one with the least total IN HAND: what the
orders cost after every stage, the subsidies, shipping, deposits and shopping credit
included (`in_hand`), so a coupon goes where it saves most counting what it changes
downstream (a subsidy it unlocks at a price ceiling or loses, a free-shipping threshold,
a credit balance spent or not). Each order prices its subset as a checkout does (the
best coupon per shop and the best platform coupon among those it may use). Ties go to
the earlier order (the order in which the cart's items first name it).

What comes after the coupons links some orders: one subsidy per category per person
(the largest wins, whichever order holds it) and shopping credit judged on a platform's
whole spending (`links`). Orders so linked form a unit, measured as all its
combinations together; past MAX_COMBINATIONS a unit's orders are measured one by one,
each as if alone (documented in docs/optimiser.md as the one place the handout is not
exact).

Only the coupons that run short are "contested"; the others are never withheld. The
search starts with those the unconstrained pricing over-spends; if its answer, by
withholding, makes orders over-spend another, that one is contested too and the search
runs again. The answer respects every `uses`. A coupon no other order wants is used as
the checkout would use it, never withheld to lower the total in hand.

For one order, every outcome of some subset is reached by starting from "all coupons"
and withholding, one at a time, a contested coupon the order used (a checkout's choice
is a best-of, so withholding a coupon it did not use changes nothing). A search over
the orders with the remaining uses as its state then picks the cheapest combination.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
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


#: The in-hand total of some orders, each with its chosen outcome (subsidies, deposits
#: and shopping credit settled on them): the handout's measure.
InHand = Callable[[Mapping[K, Outcome[T]]], Decimal]
#: What links an order to others after the coupons (a subsidy category, a platform's
#: shopping credit): orders sharing a link are settled together.
Links = Callable[[K], frozenset[Hashable]]

#: A unit of orders linked after the coupons is searched as all its combinations when
#: they are at most this many; past it, its orders are measured one by one (the subsidy
#: of a category shared with another order then counted as if the order were alone).
MAX_COMBINATIONS = 256


def assign_coupons(
    keys: Sequence[K],
    evaluate: Evaluate[K, T],
    uses: Mapping[int, int],
    in_hand: InHand[K, T] | None = None,
    links: Links[K] | None = None,
) -> dict[K, Outcome[T]]:
    """Each order's outcome, with the held coupons (index -> uses) given where they save
    most in hand: `in_hand` measures orders (default: the sum of their costs), and orders
    sharing one of their `links` are measured together."""
    evaluate = _remembered(evaluate)
    measure = _Measure(list(keys), in_hand, links)
    first = {key: evaluate(key, frozenset()) for key in keys}
    contested: frozenset[int] = frozenset()
    chosen = [first[key] for key in keys]
    while short := _short(chosen, uses) - contested:
        contested |= short
        options = [_outcomes(key, first[key], evaluate, contested) for key in keys]
        chosen = _cheapest(options, contested, uses, measure)
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


@dataclass(frozen=True)
class _Choice:
    """One way to settle a unit of linked orders: each order's outcome (by index), the
    unit's in-hand cost, and the contested coupons its orders spend (once per order)."""

    cost: Decimal
    spends: tuple[int, ...]
    picks: tuple[int, ...]


class _Measure(Generic[K, T]):
    """The handout's measure: the in-hand cost of units of orders linked after the
    coupons (orders with no link are units of their own)."""

    def __init__(self, keys: list[K], in_hand: InHand[K, T] | None, links: Links[K] | None):
        self.keys = keys
        self.in_hand = in_hand
        self.links = [links(key) if links else frozenset() for key in keys]

    def units(self) -> list[list[int]]:
        """The orders (by position, in order) in units linked by a shared link."""
        return _components(len(self.keys), [set(ls) for ls in self.links])

    def choices(
        self, unit: list[int], options: list[list[Outcome[T]]], contested: frozenset[int]
    ) -> list[_Choice] | None:
        """Every combination of the unit's outcomes with its in-hand cost, cheapest first
        (fewer coupons first among equals); None past MAX_COMBINATIONS (never for one
        order)."""
        if len(unit) > 1 and math.prod(len(options[n]) for n in unit) > MAX_COMBINATIONS:
            return None
        combos = itertools.product(*(range(len(options[n])) for n in unit))
        found = []
        for picks in combos:
            chosen = {self.keys[n]: options[n][i] for n, i in zip(unit, picks, strict=True)}
            spends = tuple(sorted(c for o in chosen.values() for c in o.used & contested))
            found.append(_Choice(self._cost(chosen), spends, picks))
        return sorted(found, key=lambda c: (c.cost, len(c.spends)))

    def _cost(self, chosen: Mapping[K, Outcome[T]]) -> Decimal:
        if self.in_hand is None:
            return sum((o.cost for o in chosen.values()), Decimal(0))
        return self.in_hand(chosen)


def _cheapest(
    options: list[list[Outcome[T]]],
    contested: frozenset[int],
    uses: Mapping[int, int],
    measure: _Measure[K, T],
) -> list[Outcome[T]]:
    """The outcome per order with the least in-hand total whose spending stays within the
    uses held of each contested coupon.

    Units that share no contested coupon (another platform, another shop) do not
    compete, so each group of units linked by the coupons they may spend is solved on
    its own: the total is the sum of the groups' totals, and the search's state is only
    the group's coupons (one search over every order counted the uses left of every
    contested coupon in the cart: 24 s to price a 200-item plan in three orders per
    platform)."""
    units: list[tuple[list[int], list[_Choice]]] = []
    for unit in measure.units():
        choices = measure.choices(unit, options, contested)
        if choices is None:
            for n in unit:
                units.append(([n], measure.choices([n], options, contested) or []))
        else:
            units.append((unit, choices))
    picks: list[int] = [0] * len(options)
    spends = [{c for choice in choices for c in choice.spends} for _, choices in units]
    for group in _components(len(units), spends):
        coupons = sorted({c for u in group for c in spends[u]})
        held = tuple(min(uses[c], len(options)) for c in coupons)
        found = _search([units[u][1] for u in group], coupons, held)
        for u, index in zip(group, found, strict=True):
            for n, pick in zip(units[u][0], units[u][1][index].picks, strict=True):
                picks[n] = pick
    return [options[n][index] for n, index in enumerate(picks)]


def _components(count: int, tags: Sequence[Iterable[Hashable]]) -> list[list[int]]:
    """Positions 0..count-1 in groups (each in order, by first position) linked by
    sharing a tag."""
    parent = list(range(count))

    def root(n: int) -> int:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    holder: dict[Hashable, int] = {}
    for n in range(count):
        for tag in tags[n]:
            if tag in holder:
                parent[root(n)] = root(holder[tag])
            else:
                holder[tag] = n
    groups: dict[int, list[int]] = {}
    for n in range(count):
        groups.setdefault(root(n), []).append(n)
    return list(groups.values())


def _search(
    options: list[list[_Choice]], coupons: list[int], held: tuple[int, ...]
) -> tuple[int, ...]:
    """Per unit of one group, the index of its choice in the cheapest combination within
    `held` (the uses of `coupons`); ties go to the earlier unit's earlier choice."""
    position_of = {c: n for n, c in enumerate(coupons)}
    needs = [[Counter(position_of[c] for c in ch.spends) for ch in opts] for opts in options]

    @cache
    def solve(position: int, left: tuple[int, ...]) -> tuple[Decimal, tuple[int, ...]]:
        if position == len(options):
            return Decimal(0), ()
        best: tuple[Decimal, tuple[int, ...]] | None = None
        for index, choice in enumerate(options[position]):
            need = needs[position][index]
            if any(left[n] < count for n, count in need.items()):
                continue
            after = tuple(v - need[n] for n, v in enumerate(left))
            rest, picks = solve(position + 1, after)
            if best is None or choice.cost + rest < best[0]:
                best = (choice.cost + rest, (index, *picks))
        assert best is not None, "a unit can always spend no contested coupon"
        return best

    return solve(0, held)[1]
