"""The cart MILP: which option and which order each item takes, and what each order earns.

Variables (see docs/optimiser.md for the full story):

- `x[i, o, k]` binary: item i is bought through option o in order k of o's platform.
  Each item takes exactly one (item, option, order); an optional item takes at most one.
- per order and stage, a group of promotions of which at most one applies: tier binaries
  `z` (满X减Y, best single tier), integer counters `n` for 每满X减Y (`every * n <= base`,
  which linearises `floor(base / every)`), continuous amounts `d` for percent discounts.
- per subsidised option a quota binary `u` (one item per category per person) and the
  subsidy amount `s <= min(rate x amount, cap)`.

A platform gets several order slots only if one of its promotions is limited per order
(a single tier, a cap, a coupon used once); the slots are symmetry-broken so that each
partition of the items has exactly one labelling (orders sorted by their first item).

Where the cost engine's arithmetic is not linear (discount shares allocated in proportion
before a subsidy or a scoped coupon, the zero rule, half-up rounding of percentages), the
model takes the generous side, so its optimum is a lower bound on the true cost; the
optimiser then prices the chosen plan with the engine and cuts it off if they disagree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from planner.milp.problem import Deduction, Option, Problem
from planner.milp.solver import Model

Key = tuple[int, int, int]
Expr = dict[int, float]
#: Less than a cent: amounts are whole cents, so `a < t` is `a <= t - EPSILON`.
EPSILON = 0.001
Places = dict[tuple[str, str, str | None], list[Deduction]]
#: Per deduction, one entry per order slot: its tier binaries (by tier) and judged base.
Ladders = dict[tuple[str, Deduction], list[tuple[list[int], Expr]]]


@dataclass
class Formulation:
    """The built model and the index of the `x` variables, to read a plan back."""

    model: Model
    x: dict[Key, int] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)
    ladders: Ladders = field(default_factory=lambda: defaultdict(list))

    def chosen(self, values: tuple[float, ...]) -> dict[int, tuple[int, int]]:
        """item -> (option index, order slot) for the items a solution buys."""
        return {i: (o, k) for (i, o, k), var in self.x.items() if values[var] > 0.5}

    def fix_plan(self, plan: dict[int, tuple[int, int]]) -> dict[int, float]:
        """A MIP start putting exactly `plan`'s `x` variables to one."""
        return {var: 1.0 for (i, o, k), var in self.x.items() if plan.get(i) == (o, k)}

    def exclude(self, plan: dict[int, tuple[int, int]]) -> None:
        """Cut off exactly `plan` (a no-good cut): any other plan stays feasible."""
        terms: dict[int, float] = {}
        for (i, o, k), var in self.x.items():
            if plan.get(i) == (o, k):
                terms[var] = -1.0
            elif i not in plan:
                terms[var] = 1.0
        self.model.row(terms, lower=1.0 - len(plan))


def order_slots(problem: Problem) -> dict[str, int]:
    """How many orders each platform may use: one unless a promotion is limited per order.

    Beyond one, an order only pays for itself if it earns a per-order deduction, so it
    must reach that deduction's smallest threshold; that bounds the useful count, capped
    by the number of items and by `max_orders_per_platform`.
    """
    items_on: dict[str, set[int]] = defaultdict(set)
    amount_on: dict[str, Decimal] = defaultdict(Decimal)
    for index, item in enumerate(problem.items):
        best: dict[str, Decimal] = {}
        for option in item.options:
            items_on[option.platform].add(index)
            best[option.platform] = max(best.get(option.platform, Decimal(0)), option.amount)
        for platform, amount in best.items():
            amount_on[platform] += amount
    slots: dict[str, int] = {}
    for platform, members in items_on.items():
        limited = [d for d in problem.deductions if d.platform == platform and d.per_order_limited]
        count = 1
        if limited:
            smallest = min(d.smallest_threshold for d in limited)
            count = len(members)
            if smallest > 0:
                count = min(count, int(amount_on[platform] / smallest) + 1)
            count = max(1, min(count, problem.max_orders_per_platform))
        slots[platform] = count
    return slots


def build(problem: Problem) -> Formulation:
    """Build the MILP for `problem`; minimising it gives a lower bound on any plan's cost."""
    form = Formulation(Model(), orders=order_slots(problem))
    _assignment(problem, form)
    _symmetry(problem, form)
    orders = _order_amounts(problem, form)
    discounts = _deductions(problem, form, orders)
    _count_orders_reaching(form)
    fees = _shipping(problem, form, orders)
    subsidies = _subsidies(problem, form, discounts)
    _credits(problem, form, discounts, fees)
    if problem.budget is not None:
        spent = {
            var: float(problem.items[i].options[o].amount) for (i, o, _), var in form.x.items()
        }
        spent.update({taken.var: -1.0 for found in discounts.values() for taken in found})
        spent.update({var: -1.0 for var in subsidies})
        spent.update({var: 1.0 for found in fees.values() for var in found})
        form.model.row(spent, upper=float(problem.budget))
    return form


def _assignment(problem: Problem, form: Formulation) -> None:
    model = form.model
    for i, item in enumerate(problem.items):
        terms: dict[int, float] = {}
        for o, option in enumerate(item.options):
            for k in range(form.orders[option.platform]):
                var = model.binary(cost=float(option.amount))
                form.x[(i, o, k)] = var
                terms[var] = 1.0
        if item.optional:
            chosen = model.binary(cost=-float(item.value))
            terms[chosen] = -1.0
            model.row(terms, 0.0, 0.0)
        else:
            model.row(terms, 1.0, 1.0)


def _symmetry(problem: Problem, form: Formulation) -> None:
    """Item i may open order k only if an earlier item sits in order k-1 (orders by first item)."""
    for platform, count in form.orders.items():
        if count < 2:
            continue
        in_order: dict[tuple[int, int], list[int]] = defaultdict(list)
        for (i, o, k), var in form.x.items():
            if problem.items[i].options[o].platform == platform:
                in_order[(i, k)].append(var)
        members = sorted({i for i, _ in in_order})
        for position, i in enumerate(members):
            for k in range(1, count):
                terms = {var: 1.0 for var in in_order[(i, k)]}
                for j in members[:position]:
                    for var in in_order[(j, k - 1)]:
                        terms[var] = terms.get(var, 0.0) - 1.0
                form.model.row(terms, upper=0.0)


@dataclass
class _Order:
    """Linear expressions for one order slot: its amount, per shop, and its cross-store base."""

    gross: Expr = field(default_factory=dict)
    shops: dict[str, Expr] = field(default_factory=lambda: defaultdict(dict))
    cross: Expr = field(default_factory=dict)
    options: list[tuple[Option, int]] = field(default_factory=list)


def _order_amounts(problem: Problem, form: Formulation) -> dict[tuple[str, int], _Order]:
    orders: dict[tuple[str, int], _Order] = defaultdict(_Order)
    for (i, o, k), var in form.x.items():
        option = problem.items[i].options[o]
        order = orders[(option.platform, k)]
        amount = float(option.amount)
        order.gross[var] = amount
        order.shops[option.shop][var] = amount
        if option.cross_store:
            order.cross[var] = amount
        order.options.append((option, var))
    return orders


@dataclass(frozen=True)
class _Taken:
    """A discount variable of one order, and the item-level amounts of the options it is
    always shared over (`pool`; None if it depends on which promotion applies), where it
    applies (`shop`, `cross`: only to cross-store items) and the largest share of its
    judged amount it can take (`ratio`)."""

    var: int
    pool: Expr | None
    shop: str | None = None
    cross: bool = False
    ratio: float = 1.0

    def may_touch(self, option: Option) -> bool:
        """Whether this discount can be shared onto `option` (its shop, its cross mark)."""
        return self.shop in (None, option.shop) and (option.cross_store or not self.cross)


def _deductions(
    problem: Problem, form: Formulation, orders: dict[tuple[str, int], _Order]
) -> dict[tuple[str, int], list[_Taken]]:
    """Add every order's deductions stage by stage; return each order's discounts."""
    places: Places = defaultdict(list)
    for deduction in problem.deductions:
        places[(deduction.stage, deduction.platform, deduction.shop)].append(deduction)
    return {
        (platform, k): _order_deductions(
            form, places, order, platform, platform in problem.parallel_platforms
        )
        for (platform, k), order in orders.items()
    }


def _order_deductions(
    form: Formulation, places: Places, order: _Order, platform: str, parallel: bool
) -> list[_Taken]:
    """One order's stages: per shop the best 满减 then the best coupon, the best cross-store
    promotion, the best platform coupon, then every member discount held, in turn.

    A discount variable may take less than its promotion gives (the model stays a lower
    bound) except where taking less could pay: in a sequential checkout the shop 满减
    applies by itself before the coupon's threshold is judged, so there it is forced."""
    taken: list[_Taken] = []
    model = form.model

    def stage(
        found: list[Deduction],
        judged: Expr,
        available: Expr,
        pool: Expr,
        forced: bool = False,
        **where: Any,
    ) -> Expr:
        bases = [(d, _scoped(order, judged, d, **where)) for d in found]
        var = _group(model, bases, available, form.ladders)
        if var is None:
            return available
        if forced:
            for deduction, judged_on in bases:
                _force(model, deduction, var, judged_on[-1])
        shared = pool if all(d.scope is None for d in found) else None
        shop, cross = where.get("shop"), where.get("cross", False)
        ratio = max(d.steepest for d in found)
        taken.append(_Taken(var, shared, shop, cross, ratio))
        return _minus(available, var)

    after = dict(order.gross)
    for shop, amount in order.shops.items():
        found = places[("shop_coupon", platform, shop)]
        automatic = bool(found) and not parallel
        first = places[("shop", platform, shop)]
        left = stage(first, amount, amount, amount, forced=automatic, shop=shop)
        judged = amount if parallel else left
        rest = stage(found, judged, left, amount, shop=shop)
        after = {**after, **{var: -1.0 for var in rest if var not in amount}}
    found = places[("cross_store", platform, None)]
    after = stage(found, order.cross, after, order.cross, cross=True)
    after = stage(places[("coupon", platform, None)], after, after, order.gross)
    for deduction in places[("member", platform, None)]:
        after = stage([deduction], after, after, order.gross)
    return taken


def _scoped(
    order: _Order, judged: Expr, deduction: Deduction, shop: str | None = None, cross: bool = False
) -> list[Expr]:
    """What a deduction's threshold is judged on: `judged`, and for a scoped deduction also
    the scoped items' amount (in `shop`, or carrying the cross-store mark) before order-level
    discounts, which bounds their amount at any later stage."""
    if deduction.scope is None:
        return [judged]
    inside = {
        var: float(option.amount)
        for option, var in order.options
        if option.tags & deduction.scope
        and shop in (None, option.shop)
        and (option.cross_store or not cross)
    }
    return [judged, inside]


def _shipping(
    problem: Problem, form: Formulation, orders: dict[tuple[str, int], _Order]
) -> dict[tuple[str, int], list[int]]:
    """Each shop in an order charges the highest shipping fee among its items, unless a
    free-shipping threshold is reached (judged on the goods before discounts: generous).
    Returns each order's fee variables (each costs its value)."""
    model = form.model
    fees: dict[tuple[str, int], list[int]] = defaultdict(list)
    for (platform, k), order in orders.items():
        rules = [rule for rule in problem.free_shipping if rule.platform == platform]
        for shop, amount in order.shops.items():
            charged = [(o, var) for o, var in order.options if o.shop == shop and o.shipping > 0]
            if not charged:
                continue
            highest = float(max(option.shipping for option, _ in charged))
            fee = model.var(0.0, highest, cost=1.0)
            free: dict[int, float] = {}
            for rule in rules:
                if rule.shop in (None, shop):
                    waiver = model.binary()
                    model.row({waiver: float(rule.threshold), **_negate(amount)}, upper=0.0)
                    free[waiver] = 1.0
            if free:
                model.row(free, upper=1.0)
            for option, var in charged:
                shipping = float(option.shipping)
                terms = {fee: 1.0, var: -shipping, **{w: shipping for w in free}}
                model.row(terms, lower=0.0)
            fees[(platform, k)].append(fee)
    return fees


def _subsidies(
    problem: Problem, form: Formulation, discounts: dict[tuple[str, int], list[_Taken]]
) -> list[int]:
    """Trade-in subsidies: one item per quota, `s <= min(rate x amount, cap)`.

    The engine grants the subsidy on the item's amount after its shares of the order's
    discounts. Each discount shared over a pool takes the same fraction `D / A` from every
    item in the pool, and `A` is at most the pool's item-level amount `A_max`, so the item
    keeps at most `amount x (1 - D / A_max)`: one row per such discount. Above the price
    ceiling an item qualifies only if the discounts that can reach it (its shop's, the
    cross-store one if it carries the mark, the order's coupons), all taken by this item,
    would bring it down to the ceiling.
    """
    model = form.model
    quotas: dict[str, dict[int, float]] = defaultdict(dict)
    amounts: list[int] = []
    for (i, o, k), var in form.x.items():
        option = problem.items[i].options[o]
        term = option.subsidy
        if term is None:
            continue
        unit = option.amount / term.units
        most = term.rate * unit if term.cap is None else min(term.rate * unit, term.cap)
        over = Decimal(0) if term.ceiling is None else unit - term.ceiling
        order_discounts = [
            t for t in discounts.get((option.platform, k), []) if t.may_touch(option)
        ]
        reachable = Decimal(sum(t.ratio for t in order_discounts)) * option.amount
        if most <= 0 or (over > 0 and reachable < over * term.units):
            continue
        used = model.binary()
        model.row({used: 1.0, var: -1.0}, upper=0.0)
        quotas[term.quota][used] = 1.0
        subsidy = model.var(0.0, float(most), cost=-1.0)
        model.row({subsidy: 1.0, used: -float(most)}, upper=0.0)
        full = float(term.rate * unit)
        for taken in order_discounts:
            if taken.pool is not None and var in taken.pool:
                pool = sum(taken.pool.values())
                model.row({subsidy: 1.0, taken.var: full / pool}, upper=full)
        if over > 0:
            needed = float(over * term.units)
            _reach_ceiling(model, used, needed, float(option.amount), order_discounts)
        amounts.append(subsidy)
    for members in quotas.values():
        model.row(members, upper=1.0)
    return amounts


def _group(
    model: Model, found: list[tuple[Deduction, list[Expr]]], available: Expr, ladders: Ladders
) -> int | None:
    """At most one of the deductions `found` applies; return the variable of the discount.

    Each deduction comes with the expressions its threshold is judged against (all must
    hold); the discount never exceeds `available`, as an amount cannot go below zero.
    """
    if not found:
        return None
    total = model.var(0.0, _upper(available), cost=-1.0)
    model.row({**_negate(available), total: 1.0}, upper=0.0)
    picks: dict[int, float] = {}
    parts: dict[int, float] = {total: 1.0}
    for deduction, bases in found:
        pick = model.binary()
        picks[pick] = 1.0
        for var, coef in _one(model, deduction, pick, bases, ladders).items():
            parts[var] = parts.get(var, 0.0) - coef
    model.row(picks, upper=1.0)
    model.row(parts, upper=0.0)
    return total


def _count_orders_reaching(form: Formulation) -> None:
    """Across a platform's order slots: at most `m` orders reach a tier, and `m` of them
    need `m x threshold` of the amount judged in all of them together (`m` integer).

    Implied by the per-order rows for whole plans, but the LP relaxation would otherwise
    let every slot earn a fraction of a once-per-order coupon; an integer `m` per tier
    closes most of that gap at the root.
    """
    model = form.model
    for (platform, deduction), slots in form.ladders.items():
        if form.orders.get(platform, 1) < 2 or len(slots) < 2:
            continue
        judged: Expr = {}
        for _, base in slots:
            for var, coef in base.items():
                judged[var] = judged.get(var, 0.0) + coef
        most = _upper(judged)
        for index, tier in enumerate(deduction.tiers):
            if tier.threshold <= 0:
                continue
            count = model.var(
                0.0, min(len(slots), math.floor(most / float(tier.threshold))), integer=True
            )
            higher = [
                tiers[j]
                for tiers, _ in slots
                for j, other in enumerate(deduction.tiers)
                if other.threshold >= tier.threshold
            ]
            del index
            model.row({**{z: 1.0 for z in higher}, count: -1.0}, upper=0.0)
            model.row({count: float(tier.threshold), **_negate(judged)}, upper=0.0)


def _force(model: Model, deduction: Deduction, total: int, base: Expr) -> None:
    """Make `total` at least what `deduction` gives on `base` (it applies once reached).

    Amounts are whole cents, so "not reached" is `base <= threshold - 0.001`; the big-M
    of each row is the least that keeps it slack when the promotion is reached. A tier
    whose discount exceeds its threshold (a 无门槛 coupon) is left unforced: the engine
    caps it at the amount, which the model cannot know before the plan is chosen.
    """
    most = _upper(base)
    if deduction.tiers:
        for tier in deduction.tiers:
            if tier.threshold > most or tier.threshold < tier.off:
                continue
            reached = model.binary()
            slack = most - float(tier.threshold) + EPSILON
            model.row({**base, reached: -slack}, upper=float(tier.threshold) - EPSILON)
            model.row({total: 1.0, reached: -float(tier.off)}, lower=0.0)
        return
    if deduction.every is not None and deduction.off is not None:
        every = float(deduction.every)
        count = model.var(0.0, math.floor(most / every + 1e-9), integer=True)
        model.row({count: every, **_negate(base)}, lower=EPSILON - every)
        off = float(deduction.off)
        if deduction.max_off is None:
            model.row({total: 1.0, count: -off}, lower=0.0)
            return
        capped = model.binary()
        cap = float(deduction.max_off)
        model.row({total: 1.0, capped: -cap}, lower=0.0)
        model.row(
            {total: 1.0, count: -off, capped: off * math.floor(most / every + 1e-9)}, lower=0.0
        )
        model.row({count: off, capped: -cap}, lower=0.0)


def _one(
    model: Model, deduction: Deduction, pick: int, bases: list[Expr], ladders: Ladders
) -> Expr:
    """Model one deduction if `pick` is 1; return the expression of its discount amount."""
    ceiling = min(_upper(base) for base in bases)
    if deduction.tiers:
        tiers = {model.binary(): tier for tier in deduction.tiers}
        ladders[(deduction.platform, deduction)].append((list(tiers), bases[-1]))
        model.row({**{z: 1.0 for z in tiers}, pick: -1.0}, upper=0.0)
        for base in bases:
            reach = {z: float(tier.threshold) for z, tier in tiers.items()}
            model.row({**reach, **_negate(base)}, upper=0.0)
        return {z: float(tier.off) for z, tier in tiers.items()}
    if deduction.every is not None and deduction.off is not None:
        most = math.floor(ceiling / float(deduction.every) + 1e-9)
        count = model.var(0.0, most, integer=True)
        model.row({count: 1.0, pick: -float(most)}, upper=0.0)
        for base in bases:
            model.row({count: float(deduction.every), **_negate(base)}, upper=0.0)
        if deduction.max_off is None:
            return {count: float(deduction.off)}
        amount = model.var(0.0, float(deduction.max_off))
        model.row({amount: 1.0, count: -float(deduction.off)}, upper=0.0)
        return {amount: 1.0}
    rate = float(deduction.rate or 0)
    most = rate * ceiling if deduction.cap is None else min(rate * ceiling, float(deduction.cap))
    amount = model.var(0.0, most)
    model.row({amount: 1.0, pick: -most}, upper=0.0)
    for base in bases:
        model.row({amount: 1.0, **{v: -rate * c for v, c in base.items()}}, upper=0.0)
        if deduction.minimum > 0:
            model.row({pick: float(deduction.minimum), **_negate(base)}, upper=0.0)
    return {amount: 1.0}


def _upper(expr: Expr) -> float:
    """An upper bound on a linear expression whose positive terms are binary `x` variables."""
    return max(0.0, sum(coef for coef in expr.values() if coef > 0))


def _negate(expr: Expr) -> Expr:
    return {var: -coef for var, coef in expr.items()}


def _minus(base: Expr, *amounts: int | None) -> Expr:
    """`base - sum(amounts)` as a new linear expression (None amounts are skipped)."""
    result = dict(base)
    for amount in amounts:
        if amount is not None:
            result[amount] = result.get(amount, 0.0) - 1.0
    return result


def _reach_ceiling(
    model: Model, used: int, needed: float, amount: float, discounts: list[_Taken]
) -> None:
    """An item above the subsidy's price ceiling qualifies only if its shares of the
    discounts bring it down by `needed`. A discount taking at most `ratio` of the amount
    it is judged on gives the item at most `ratio x amount` (and at most all of it)."""
    shares: dict[int, float] = {used: needed}
    for taken in discounts:
        share = model.var(0.0, taken.ratio * amount)
        model.row({share: 1.0, taken.var: -1.0}, upper=0.0)
        shares[share] = -1.0
    model.row(shares, upper=0.0)


def _credits(
    problem: Problem,
    form: Formulation,
    discounts: dict[tuple[str, int], list[_Taken]],
    fees: dict[tuple[str, int], list[int]],
) -> None:
    """购物金: the best top-up whose whole balance the platform's spending uses up earns
    `get - pay`. Spending is the platform's amount after every discount, with shipping,
    before subsidies (generous: the engine counts it after them)."""
    model = form.model
    for platform in sorted({credit.platform for credit in problem.credits}):
        spending: Expr = {}
        for (i, o, _), var in form.x.items():
            if problem.items[i].options[o].platform == platform:
                spending[var] = float(problem.items[i].options[o].amount)
        for (where, k), found in discounts.items():
            if where == platform:
                spending.update({taken.var: -1.0 for taken in found})
                spending.update({var: 1.0 for var in fees.get((where, k), [])})
        if not spending:
            continue
        picks: dict[int, float] = {}
        for credit in problem.credits:
            if credit.platform == platform and credit.get > credit.pay:
                pick = model.binary(cost=-float(credit.get - credit.pay))
                model.row({pick: float(credit.get), **_negate(spending)}, upper=0.0)
                picks[pick] = 1.0
        model.row(picks, upper=1.0)
