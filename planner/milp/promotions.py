"""Order-level promotions in the model: per order slot, stage by stage, at most one
promotion of each group applies; tiers, 每满X减Y counters and percentages."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from planner.milp.linear import CENT, EPSILON, HALF_CENT, Expr, minus, negate, upper
from planner.milp.problem import Deduction, Option, Problem
from planner.milp.slots import Formulation, Ladders, OrderSlot
from planner.milp.solver import Model

Places = dict[tuple[str, str, str | None], list[Deduction]]


@dataclass(frozen=True)
class Taken:
    """A discount variable of one order, and the item-level amounts of the options it is
    always shared over (`pool`; None if it depends on which promotion applies), where it
    applies (`shop`, `cross`: only to cross-store items), the largest share of its
    judged amount it can take (`ratio`), the most it can take at all (`most`, None if
    unbounded), how much of its pool's amounts earlier stages may have taken at most
    (`before`, a share), and for a stage of one percent discount judged on the amount
    left its pick binary and deduction (`percent`): it takes exactly its rate of that
    amount unless its cap binds."""

    var: int
    pool: Expr | None
    shop: str | None = None
    cross: bool = False
    ratio: float = 1.0
    most: float | None = None
    before: float = 0.0
    percent: tuple[int, Deduction] | None = None

    def may_touch(self, option: Option) -> bool:
        """Whether this discount can be shared onto `option` (its shop, its cross mark)."""
        return self.shop in (None, option.shop) and (option.cross_store or not self.cross)


def add_deductions(
    problem: Problem, form: Formulation, orders: dict[tuple[str, int], OrderSlot]
) -> dict[tuple[str, int], list[Taken]]:
    """Add every order's deductions stage by stage; return each order's discounts."""
    places: Places = defaultdict(list)
    for deduction in problem.deductions:
        places[(deduction.stage, deduction.platform, deduction.shop)].append(deduction)
    checkouts = {
        platform: _Checkout(
            parallel=platform in problem.parallel_platforms,
            forcing=_forcing(problem, places, platform),
            exact_cross=platform not in problem.cross_after_shop,
        )
        for platform, _ in orders
    }
    return {
        (platform, k): _order_deductions(form, places, order, (platform, k), checkouts[platform])
        for (platform, k), order in orders.items()
    }


def limit_coupons(problem: Problem, form: Formulation) -> None:
    """A held coupon applies in at most `uses` orders: per order slot one binary `u` at
    least each of its picks there (a shop coupon without a shop is one deduction per
    shop, used once per order), and `Σ u ≤ uses`. The `u`s are its resource use for
    column generation (`form.quota_use`), like a subsidy quota's."""
    held = {d.coupon: d.uses for d in problem.deductions if d.coupon is not None}
    for coupon, per_slot in form.coupon_picks.items():
        used: list[int] = []
        for picks in per_slot.values():
            if len(picks) == 1:
                used.append(picks[0])
                continue
            spent = form.model.binary()
            for pick in picks:
                form.model.row({pick: 1.0, spent: -1.0}, upper=0.0)
            used.append(spent)
        form.quota_use[coupon].extend(used)
        if len(used) > held[coupon]:
            form.model.row(dict.fromkeys(used, 1.0), upper=float(held[coupon]))


@dataclass(frozen=True)
class _Checkout:
    """How a platform's checkout judges: shop thresholds in parallel; discounts forced
    (see `_forcing`); the cross-store base exactly the item-level amounts (not judged
    after shop promotions, which the model only bounds from above)."""

    parallel: bool
    forcing: bool
    exact_cross: bool


def _forcing(problem: Problem, places: Places, platform: str) -> bool:
    """Whether the discounts before the platform coupon must be taken in full.

    A discount variable may take less than its promotion gives: the model stays a lower
    bound and never gains by it, unless a later threshold (a platform coupon, a percent
    coupon's minimum, shopping credit) is judged on the amount left; then a checkout that
    "skips" a discount would look cheaper than any real one. Forcing is safe only when
    taking every discount in full can never take an order below zero: the largest shares
    a shop's two promotions and the cross-store one can take sum to at most 1.
    """
    later = places[("coupon", platform, None)] + places[("member", platform, None)]
    if not any(d.smallest_threshold > 0 for d in later) and not any(
        credit.platform == platform for credit in problem.credits
    ):
        return False
    shops = {shop for stage, where, shop in places if where == platform and shop is not None}
    shop_share = max(
        (
            max((d.steepest for d in places[("shop", platform, shop)]), default=0.0)
            + max((d.steepest for d in places[("shop_coupon", platform, shop)]), default=0.0)
            for shop in shops
        ),
        default=0.0,
    )
    cross_share = max((d.steepest for d in places[("cross_store", platform, None)]), default=0.0)
    return shop_share + cross_share <= 1.0


def _applied_when_reached(deduction: Deduction, pick: int, orders: int) -> int | None:
    """The binary under which `deduction` must apply in full once reached: None (always)
    for an automatic promotion or a coupon held once per order slot; else its `pick`.

    A coupon held fewer times than the platform has orders is given to some of the
    orders that reach it, not all (the engine's handout): an order that reaches it takes
    it in full only if it is given it. Forcing it in every order that reaches it ruled
    out every plan with two such orders: a two-phone cart split in two orders to keep
    one phone's subsidy was priced 5203.25 and called optimal, where 5104.75 exists."""
    if deduction.coupon is None or deduction.uses >= orders:
        return None
    return pick


def _order_deductions(
    form: Formulation,
    places: Places,
    order: OrderSlot,
    slot: tuple[str, int],
    checkout: _Checkout,
) -> list[Taken]:
    """One order's stages: per shop the best 满减 then the best coupon, the best cross-store
    promotion, the best platform coupon, then every member discount held, in turn.

    A discount variable may take less than its promotion gives (see `_forcing`); in a
    sequential checkout the shop 满减 applies by itself before the coupon's threshold is
    judged, so it is always forced there. Only unscoped promotions judged on an exact
    amount are forced: forcing on an upper bound could rule out a real plan."""
    taken: list[Taken] = []
    platform = slot[0]
    parallel, forcing = checkout.parallel, checkout.forcing
    model = form.model

    def stage(
        found: list[Deduction],
        judged: Expr,
        available: Expr,
        pool: Expr,
        forced: bool = False,
        before: float = 0.0,
        **where: Any,
    ) -> Expr:
        bases = [(d, _scoped(order, judged, d, **where)) for d in found]
        picks: list[int] = []
        var = _group(model, bases, available, form.ladders, picks)
        if var is None:
            return available
        for deduction, pick in zip(found, picks, strict=True):
            if deduction.coupon is not None:
                form.coupon_picks[deduction.coupon][slot].append(pick)
        if forced:
            for (deduction, judged_on), pick in zip(bases, picks, strict=True):
                if deduction.scope is None:
                    given = _applied_when_reached(deduction, pick, form.orders[platform])
                    _force(model, deduction, var, judged_on[0], given)
        shared = pool if all(d.scope is None for d in found) else None
        shop, cross = where.get("shop"), where.get("cross", False)
        ratio = max(d.steepest for d in found)
        caps = [d.most_off for d in found]
        most = None if None in caps else max(c for c in caps if c is not None)
        percent = None
        if len(found) == 1 and found[0].rate is not None and judged is available:
            percent = (picks[0], found[0])
        taken.append(Taken(var, shared, shop, cross, ratio, most, min(before, 1.0), percent))
        return minus(available, var)

    after = dict(order.gross)
    shop_share = 0.0
    for shop, amount in order.shops.items():
        found = places[("shop_coupon", platform, shop)]
        automatic = forcing or (bool(found) and not parallel)
        first = places[("shop", platform, shop)]
        left = stage(first, amount, amount, amount, forced=automatic, shop=shop)
        judged = amount if parallel else left
        share = max((d.steepest for d in first), default=0.0)
        rest = stage(found, judged, left, amount, forced=forcing, before=share, shop=shop)
        after = {**after, **{var: -1.0 for var in rest if var not in amount}}
        share += max((d.steepest for d in found), default=0.0)
        shop_share = max(shop_share, share)
    found = places[("cross_store", platform, None)]
    forced = forcing and checkout.exact_cross
    after = stage(found, order.cross, after, order.cross, forced=forced, cross=True)
    share = shop_share + max((d.steepest for d in found), default=0.0)
    found = places[("coupon", platform, None)]
    after = stage(found, after, after, order.gross, before=share)
    share += max((d.steepest for d in found), default=0.0)
    for deduction in places[("member", platform, None)]:
        after = stage([deduction], after, after, order.gross, before=share)
        share += deduction.steepest
    return taken


def _scoped(
    order: OrderSlot,
    judged: Expr,
    deduction: Deduction,
    shop: str | None = None,
    cross: bool = False,
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


def _group(
    model: Model,
    found: list[tuple[Deduction, list[Expr]]],
    available: Expr,
    ladders: Ladders,
    picks_out: list[int],
) -> int | None:
    """At most one of the deductions `found` applies; return the variable of the discount
    (and each deduction's pick binary in `picks_out`).

    Each deduction comes with the expressions its threshold is judged against (all must
    hold); the discount never exceeds `available`, as an amount cannot go below zero.
    """
    if not found:
        return None
    total = model.var(0.0, upper(available), cost=-1.0)
    model.row({**negate(available), total: 1.0}, upper=0.0)
    picks: dict[int, float] = {}
    parts: dict[int, float] = {total: 1.0}
    for deduction, bases in found:
        pick = model.binary()
        picks[pick] = 1.0
        picks_out.append(pick)
        for var, coef in _one(model, deduction, pick, bases, ladders).items():
            parts[var] = parts.get(var, 0.0) - coef
    model.row(picks, upper=1.0)
    model.row(parts, upper=0.0)
    return total


def count_orders_reaching(form: Formulation) -> None:
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
        most = upper(judged)
        for tier in deduction.tiers:
            if tier.threshold <= 0:
                continue
            most_orders = min(len(slots), math.floor(most / float(tier.threshold)))
            if deduction.coupon is not None:  # a held coupon: at most `uses` orders
                most_orders = min(most_orders, deduction.uses)
            count = model.var(0.0, most_orders, integer=True)
            higher = [
                tiers[j]
                for tiers, _ in slots
                for j, other in enumerate(deduction.tiers)
                if other.threshold >= tier.threshold
            ]
            model.row({**{z: 1.0 for z in higher}, count: -1.0}, upper=0.0)
            model.row({count: float(tier.threshold), **negate(judged)}, upper=0.0)


def _force(
    model: Model, deduction: Deduction, total: int, base: Expr, given: int | None = None
) -> None:
    """Make `total` at least what `deduction` gives on `base` (it applies once reached),
    only where the binary `given` is 1 when there is one (`_applied_when_reached`).

    Amounts are whole cents, so "not reached" is `base <= threshold - 0.001`; the big-M
    of each row is the least that keeps it slack when the promotion is reached. A tier
    whose discount exceeds its threshold (a 无门槛 coupon) is left unforced: the engine
    caps it at the amount, which the model cannot know before the plan is chosen.
    """
    most = upper(base)

    def at_least(terms: dict[int, float], big: float) -> None:
        """`total + terms >= 0`, relaxed by `big` where `given` is 0."""
        if given is None:
            model.row({total: 1.0, **terms}, lower=0.0)
        else:
            model.row({total: 1.0, **terms, given: -big}, lower=-big)

    if deduction.tiers:
        for tier in deduction.tiers:
            if tier.threshold > most or tier.threshold < tier.off:
                continue
            reached = model.binary()
            slack = most - float(tier.threshold) + EPSILON
            model.row({**base, reached: -slack}, upper=float(tier.threshold) - EPSILON)
            at_least({reached: -float(tier.off)}, float(tier.off))
        return
    if deduction.every is not None and deduction.off is not None:
        every = float(deduction.every)
        steps = math.floor(most / every + 1e-9)
        count = model.var(0.0, steps, integer=True)
        model.row({count: every, **negate(base)}, lower=EPSILON - every)
        off = float(deduction.off)
        if deduction.max_off is None:
            at_least({count: -off}, off * steps)
            return
        capped = model.binary()
        cap = float(deduction.max_off)
        at_least({capped: -cap}, cap)
        at_least({count: -off, capped: off * steps}, off * steps)
        model.row({count: off, capped: -cap}, lower=0.0)


def _one(
    model: Model, deduction: Deduction, pick: int, bases: list[Expr], ladders: Ladders
) -> Expr:
    """Model one deduction if `pick` is 1; return the expression of its discount amount.

    A percentage is counted in whole cents, at most `rate x base + 0.005`: that is the
    engine's half-up rounding to the cent, exactly, so a split that gains a rounding cent
    is seen as one."""
    ceiling = min(upper(base) for base in bases)
    if deduction.tiers:
        tiers = {model.binary(): tier for tier in deduction.tiers}
        ladders[(deduction.platform, deduction)].append((list(tiers), bases[-1]))
        model.row({**{z: 1.0 for z in tiers}, pick: -1.0}, upper=0.0)
        for base in bases:
            reach = {z: float(tier.threshold) for z, tier in tiers.items()}
            model.row({**reach, **negate(base)}, upper=0.0)
        return {z: float(tier.off) for z, tier in tiers.items()}
    if deduction.every is not None and deduction.off is not None:
        times = math.floor(ceiling / float(deduction.every) + 1e-9)
        count = model.var(0.0, times, integer=True)
        model.row({count: 1.0, pick: -float(times)}, upper=0.0)
        for base in bases:
            model.row({count: float(deduction.every), **negate(base)}, upper=0.0)
        if deduction.max_off is None:
            return {count: float(deduction.off)}
        amount = model.var(0.0, float(deduction.max_off))
        model.row({amount: 1.0, count: -float(deduction.off)}, upper=0.0)
        return {amount: 1.0}
    rate = float(deduction.rate or 0)
    most = rate * ceiling if deduction.cap is None else min(rate * ceiling, float(deduction.cap))
    cents = model.cents(most)
    model.row({cents: CENT, pick: -most}, upper=HALF_CENT)
    for base in bases:
        model.row({cents: CENT, **{v: -rate * c for v, c in base.items()}}, upper=HALF_CENT)
        if deduction.minimum > 0:
            model.row({pick: float(deduction.minimum), **negate(base)}, upper=0.0)
    return {cents: CENT}
