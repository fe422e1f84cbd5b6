"""What depends on the orders besides promotions: shipping fees and free shipping,
trade-in subsidies with their quotas and ceilings, and shopping credit."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from planner.milp.linear import CENT, HALF_CENT, Expr, negate
from planner.milp.problem import Deduction, Problem
from planner.milp.promotions import Taken
from planner.milp.slots import Formulation, OrderSlot
from planner.milp.solver import Model

CENT_D = Decimal("0.01")
#: A percent discount rounded half-up to the cent takes at least `rate - 0.005 / amount`
#: of an amount: at least `rate - RATE_ROUNDING` of any amount from 50 yuan up; below
#: that, the subsidy rows' half-cent slack covers the difference.
RATE_ROUNDING = 0.0001


def add_shipping(
    problem: Problem, form: Formulation, orders: dict[tuple[str, int], OrderSlot]
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
                    model.row({waiver: float(rule.threshold), **negate(amount)}, upper=0.0)
                    free[waiver] = 1.0
            if free:
                model.row(free, upper=1.0)
            for option, var in charged:
                shipping = float(option.shipping)
                terms = {fee: 1.0, var: -shipping, **{w: shipping for w in free}}
                model.row(terms, lower=0.0)
            fees[(platform, k)].append(fee)
    return fees


def add_subsidies(
    problem: Problem, form: Formulation, discounts: dict[tuple[str, int], list[Taken]]
) -> list[int]:
    """Trade-in subsidies: one item per quota, `s <= min(rate x amount, cap)`, in whole
    cents (the engine rounds half-up to the cent); returns the cent-counting variables.

    The engine grants the subsidy on the item's amount after its shares of the order's
    discounts. Each discount shared over a pool takes the same fraction `D / A` from every
    item in the pool, and `A` is at most the pool's item-level amount `A_max`, so the item
    keeps at most `amount x (1 - D / A_max)`: one cheap row per such discount. The stages
    together take the product of their fractions: one row bounds it (`_keep_after_shares`)
    with each fraction exact in the plan (`_fraction`). Above the price
    ceiling an item qualifies only if the discounts that can reach it (its shop's, the
    cross-store one if it carries the mark, the order's coupons), all taken by this item,
    would bring it down to the ceiling.
    """
    model = form.model
    quotas: dict[str, dict[int, float]] = defaultdict(dict)
    amounts: list[int] = []
    fractions: dict[int, int] = {}
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
        # A cent more than the float ratios give: an exact 1/6 x 7200 must reach 1200.
        reachable = Decimal(sum(t.ratio for t in order_discounts)) * option.amount + CENT_D
        if most <= 0 or (over > 0 and reachable < over * term.units):
            continue
        used = model.binary()
        model.row({used: 1.0, var: -1.0}, upper=0.0)
        quotas[term.quota][used] = 1.0
        form.quota_use[term.quota].append(used)
        cents = model.cents(float(most))
        model.add_cost(cents, -CENT)
        model.row({cents: CENT, used: -float(most)}, upper=HALF_CENT)
        full = float(term.rate * unit)
        shared = [t for t in order_discounts if t.pool is not None and var in t.pool]
        for taken in shared:
            assert taken.pool is not None
            pool = sum(taken.pool.values())
            model.row({cents: CENT, taken.var: full / pool}, upper=full + HALF_CENT)
        if shared:
            slack = HALF_CENT + float(term.rate) * CENT * len(shared) / term.units
            additive = option.platform not in problem.cross_after_shop
            steps = [(_fraction(model, t, fractions), t, additive and t.cross) for t in shared]
            _keep_after_shares(model, cents, var, full, slack, float(option.amount), steps)
        if over > 0:
            needed = float(over * term.units)
            _reach_ceiling(model, used, needed, var, float(option.amount), order_discounts)
        amounts.append(cents)
        form.subsidies[(i, o, k)] = cents
    for members in quotas.values():
        model.row(members, upper=1.0)
    return amounts


def _fraction(model: Model, taken: Taken, fractions: dict[int, int]) -> int:
    """A variable `g` at most the fraction `D / A` of its pool that the discount `D` takes
    (`A` the pool's item-level amount in the plan, at least the amount the engine shares
    it over), kept from going lower by `g x A >= D`; one per discount, shared by every
    subsidised item in the pool. `g x A = sum(a_j x g x x_j)`, and each product
    `w_j <= g`, `w_j <= top x x_j` is bounded from above (exact for whole plans). Half a
    cent is allowed for a percentage's rounding."""
    if taken.var in fractions:
        return fractions[taken.var]
    assert taken.pool is not None
    top = min(1.0, taken.ratio)
    share = model.var(0.0, top)
    row: dict[int, float] = {taken.var: -1.0}
    for x, amount in taken.pool.items():
        product = model.var(0.0, top)
        model.row({product: 1.0, share: -1.0}, upper=0.0)
        model.row({product: 1.0, x: -top}, upper=0.0)
        row[product] = amount
    model.row(row, lower=-HALF_CENT)
    if taken.percent is not None:
        _take_rate(model, share, taken.var, *taken.percent)
    fractions[taken.var] = share
    return share


def _take_rate(model: Model, share: int, total: int, pick: int, deduction: Deduction) -> None:
    """A percent discount judged on the whole amount left of its pool takes exactly its
    rate of it (less a hundredth of a percent for the engine's rounding to the cent)
    unless its cap binds: `g >= rate` when it applies and is not `capped`, where
    `capped` needs the discount at its cap."""
    rate = float(deduction.rate or 0) - RATE_ROUNDING
    if rate <= 0:
        return
    row = {share: 1.0, pick: -rate}
    if deduction.cap is not None:
        capped = model.binary()
        model.row({total: 1.0, capped: -(float(deduction.cap) - HALF_CENT)}, lower=0.0)
        row[capped] = rate
    model.row(row, lower=0.0)


def _keep_after_shares(
    model: Model,
    cents: int,
    x: int,
    full: float,
    slack: float,
    amount: float,
    steps: list[tuple[int, Taken, bool]],
) -> None:
    """The subsidy is at most `full x R`, `R` the fraction of the item's amount its
    shares leave. A stage sharing its discount in proportion to the amounts left takes
    `R x f_j` with `f_j >= g_j`; the cross-store stage shares on item-level amounts, so
    it takes `>= g_j` outright (`additive`). With `L` a lower bound on `R` before the
    stage, `R x (1 - f_j) <= R - g_j x L`, so by induction `R <= 1 - sum(c_j x g_j)`
    with `c_j = L` before stage j (1 for an additive stage): linear, exact for one
    stage. `L` shrinks by what a stage can take at most: its share of the amount left
    (`ratio`; a shop coupon judged in parallel with the 满减 on the amount before it,
    `ratio / (1 - before)`), or `most / amount` outright.
    `slack` covers the engine's rounding of shares and of the subsidy. The row binds
    only when the item is bought (`x`)."""
    row: dict[int, float] = {cents: CENT}
    left, reach = 1.0, 0.0
    for share, taken, additive in steps:
        weight = 1.0 if additive else left
        row[share] = full * weight
        reach += weight * model.upper_bound(share)
        outright = 1.0 if taken.most is None else taken.most / amount
        if additive:
            left -= min(outright, taken.ratio)
        else:
            fraction = taken.ratio  # judged on the amount left: f_j <= ratio
            if taken.shop is not None:  # a shop coupon may be judged before the 满减
                fraction = taken.ratio / (1.0 - taken.before) if taken.before < 1.0 else 1.0
            left = max(left * (1.0 - min(1.0, fraction)), left - outright)
        left = max(left, 0.0)
    spare = full * max(0.0, reach - 1.0)
    if spare > 0:
        row[x] = spare
    model.row(row, upper=full + slack + spare)


def _reach_ceiling(
    model: Model, used: int, needed: float, x: int, amount: float, discounts: list[Taken]
) -> None:
    """An item above the subsidy's price ceiling qualifies only if its shares of the
    discounts bring it down by `needed`. The item's share of a discount `D` is at most `D`,
    at most `ratio x amount`, and, for a discount that can take at most `most` and is
    split in proportion over a pool, at most `most x cur / (cur + y)` where `y` is what
    the other items of the pool still weigh: a convex function of `y`, bounded by its chord
    `most x (1 - y / (amount + Y))` over `0 <= y <= Y`. The more the item shares a
    capped discount with, the less of it it gets; linear in the `x` of the pool."""
    shares: dict[int, float] = {used: needed}
    for taken in discounts:
        share = model.var(0.0, taken.ratio * amount + CENT)
        model.row({share: 1.0, taken.var: -1.0}, upper=0.0)
        shares[share] = -1.0
        if taken.pool is None or taken.most is None or taken.before >= 1.0:
            continue
        others = {var: a * (1.0 - taken.before) for var, a in taken.pool.items() if var != x}
        heaviest = sum(others.values())
        if heaviest > 0:
            slope = taken.most / (amount + heaviest)
            row = {share: 1.0, **{var: slope * weight for var, weight in others.items()}}
            model.row(row, upper=taken.most)
    model.row(shares, upper=0.0)


def add_credits(
    problem: Problem,
    form: Formulation,
    discounts: dict[tuple[str, int], list[Taken]],
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
                model.row({pick: float(credit.get), **negate(spending)}, upper=0.0)
                picks[pick] = 1.0
        model.row(picks, upper=1.0)
