"""Items to offers and order slots: the `x` variables, their symmetry breaking, and the
per-order amounts every promotion is judged on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from planner.milp.linear import Expr
from planner.milp.problem import STAGES, Deduction, Option, Problem
from planner.milp.solver import Model

Key = tuple[int, int, int]
#: An LP weight below this is a zero the simplex left as a rounding residue.
WEIGHTLESS = 1e-6
#: Per deduction, one entry per order slot: its tier binaries (by tier) and judged base.
Ladders = dict[tuple[str, Deduction], list[tuple[list[int], Expr]]]


@dataclass
class Formulation:
    """The built model and the index of the `x` variables, to read a plan back."""

    model: Model
    x: dict[Key, int] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)
    ladders: Ladders = field(default_factory=lambda: defaultdict(list))
    subsidies: dict[Key, int] = field(default_factory=dict)  # each counts whole cents
    platforms: dict[Key, str] = field(default_factory=dict)
    #: optional item -> its "bought" binary; quota -> the binaries of options using it.
    bought: dict[int, int] = field(default_factory=dict)
    quota_use: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    #: held coupon -> order slot -> the pick binaries of its deductions there.
    coupon_picks: dict[str, dict[tuple[str, int], list[int]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )

    def chosen(self, values: Sequence[float]) -> dict[int, tuple[int, int]]:
        """item -> (option index, order slot) for the items a solution buys."""
        return {i: (o, k) for (i, o, k), var in self.x.items() if values[var] > 0.5}

    def fix_plan(self, plan: dict[int, tuple[int, int]]) -> dict[int, float]:
        """A MIP start putting exactly `plan`'s `x` variables to one."""
        return {var: 1.0 for (i, o, k), var in self.x.items() if plan.get(i) == (o, k)}

    def outside(self, values: Sequence[float]) -> list[int]:
        """The `x` variables of every (item, option) to which the LP relaxation's optimum
        `values` gives no weight in any order slot: fixed at 0, they leave the
        neighbourhood of the relaxation a first plan is sought in (`planner.optimise`)."""
        weight: dict[tuple[int, int], float] = defaultdict(float)
        for (i, o, _), var in self.x.items():
            weight[(i, o)] += values[var]
        return [var for (i, o, _), var in self.x.items() if weight[(i, o)] < WEIGHTLESS]

    def granted(self, values: tuple[float, ...]) -> dict[int, float]:
        """item -> the subsidy the model granted it in a solution (its variables count cents)."""
        return {
            i: round(values[var]) / 100
            for (i, _, _), var in self.subsidies.items()
            if values[var] > 0.5
        }

    def cap_subsidy(self, plan: dict[int, tuple[int, int]], item: int, most: float) -> None:
        """The engine granted `item` at most `most` with exactly its order's companions in
        `plan`: bound its subsidy by that unless the order's composition changes (a cut
        local to one order, much stronger than cutting off the whole plan)."""
        option, slot = plan[item]
        var = self.subsidies[(item, option, slot)]
        big = self.model.upper_bound(var)
        platform = self.platforms[(item, option, slot)]
        terms: dict[int, float] = {var: 1.0}
        companions = 0
        for key, x in self.x.items():
            i, o, k = key
            if k != slot or self.platforms[key] != platform or i == item:
                continue
            if plan.get(i) == (o, k):
                terms[x] = big
                companions += 1
            else:
                terms[x] = -big
        self.model.row(terms, upper=round(most * 100) + big * companions)

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
    """How many orders each platform may use: one unless a second order can pay.

    A second order can pay for itself only
    - through a deduction limited per order (`Deduction.per_order_limited`) that two
      orders can both earn: its judged amount (at most the items' best amounts it may
      judge) reaches twice its smallest threshold; or
    - where the platform's discounts come before a subsidy, a free-shipping threshold or
      shopping credit: a subsidy depends on the item's shares of its order's discounts
      (and its price ceiling on them), free shipping on the goods left after them, credit
      on what is spent after them, so merging orders does not always cost less there; or
    - where the cross-store discount may take an item to zero (`_zero_rule_may_apply`):
      the platform's zero rule then voids or trims it for the whole order.
    Where only such deductions can pay, an order earning none of them merges into another
    at no cost, so every order of a cheapest plan with the fewest orders earns one: the
    count is at most how many orders they can be earned in (`_orders_earning`). Every
    count is capped by the number of items and by `max_orders_per_platform`.
    """
    items_on: dict[str, set[int]] = defaultdict(set)
    for index, item in enumerate(problem.items):
        for option in item.options:
            items_on[option.platform].add(index)
    slots: dict[str, int] = {}
    for platform, members in items_on.items():
        twice = split_reasons(problem, platform)
        count = max(1, min(len(members), problem.max_orders_per_platform))
        if twice is None:
            slots[platform] = count
        else:
            slots[platform] = max(1, min(count, _orders_earning(problem, twice)))
    return slots


def split_reasons(problem: Problem, platform: str) -> list[Deduction] | None:
    """The deductions that can pay for a second order on `platform` (`order_slots`), or
    None where merging two orders may cost more for another reason (a subsidy, free
    shipping, credit, the zero rule): then any order may pay."""
    deductions = [d for d in problem.deductions if d.platform == platform]
    if deductions and _merging_may_cost(problem, platform):
        return None
    return [d for d in deductions if _splits(d, deductions) and _earned_twice(problem, d)]


def _splits(deduction: Deduction, deductions: list[Deduction]) -> bool:
    """Whether two orders could together get more of `deduction`'s stage than one order.

    A held coupon can pay for a second order only if that stage (platform, shop) holds
    two uses in all, of it or of another coupon (two different red packets: one per
    order); then even a 每满 coupon can. Otherwise `Deduction.per_order_limited` says.
    """
    if deduction.coupon is None:
        return deduction.per_order_limited
    held = sum(
        d.uses
        for d in deductions
        if d.coupon is not None and (d.stage, d.shop) == (deduction.stage, deduction.shop)
    )
    return held >= 2


def _orders_earning(problem: Problem, twice: list[Deduction]) -> int:
    """How many disjoint orders can earn one of `twice`: each earning needs the smallest
    threshold of what the deduction judges (and a held coupon one of its uses)."""
    total = 0
    for deduction in twice:
        smallest = deduction.smallest_threshold
        if smallest <= 0:
            return len(problem.items)  # every order with an item earns it: no bound
        count = int(_judged_at_most(problem, deduction, deduction.platform) // smallest)
        if deduction.coupon is not None:
            count = min(count, deduction.uses)
        total += count
    return total


def _earned_twice(problem: Problem, deduction: Deduction) -> bool:
    """Whether a second order can earn more of `deduction` than merging it into the first.

    That needs a second order reaching its smallest threshold while the first still earns
    what it would merged: a tier twice its threshold; a capped 每满 (or a capped
    percentage) its cap in the first order and a step more. An uncapped percentage gains
    nothing from splitting but its half-up rounding, at most a cent for two orders (the
    tolerance to which a plan is proven optimal)."""
    amount = _judged_at_most(problem, deduction, deduction.platform)
    if amount <= 0:
        return False
    if deduction.rate is not None:
        if deduction.cap is None or deduction.rate <= 0:
            return False
        first = max(deduction.cap / deduction.rate, deduction.minimum)
        return amount > first + deduction.minimum
    if deduction.every is not None and deduction.off and deduction.max_off is not None:
        steps_to_cap = -(-deduction.max_off // deduction.off)
        return amount >= deduction.every * (steps_to_cap + 1)
    return amount >= 2 * deduction.smallest_threshold


def _judged_at_most(problem: Problem, deduction: Deduction | None, platform: str) -> Decimal:
    """The most a deduction (None: any) can judge on `platform`: each item at its best
    option there that the deduction may judge (its shop, its scope)."""
    total = Decimal(0)
    for item in problem.items:
        amounts = [
            option.amount
            for option in item.options
            if option.platform == platform
            and (deduction is None or deduction.shop in (None, option.shop))
            and (deduction is None or deduction.scope is None or option.tags & deduction.scope)
        ]
        total += max(amounts, default=Decimal(0))
    return total


def _merging_may_cost(problem: Problem, platform: str) -> bool:
    """Whether a subsidised option, a free-shipping threshold, shopping credit (spent
    after discounts) or the zero rule can make one order cost more than two."""
    if any(rule.platform == platform for rule in problem.free_shipping):
        return True
    if any(credit.platform == platform for credit in problem.credits):
        return True
    if _zero_rule_may_apply(problem, platform):
        return True
    return any(
        option.platform == platform and not _subsidy_fixed(problem, option)
        for item in problem.items
        for option in item.options
    )


def _subsidy_fixed(problem: Problem, option: Option) -> bool:
    """Whether `option`'s subsidy is the same in every order: none at all, at its cap
    whatever discounts it shares, or never (above its price ceiling even after the most
    they can take). Only then does its order's composition not matter to it.

    The most the discounts take from it: per stage that can reach it, the largest of
    (its steepest share of the item, capped by its most off), plus a cent per stage for
    the engine's rounding of shares. A phone of 5000 under a shop 满减 (30), a shop coupon
    (50), 每300减50 and 88VIP (100) keeps more than 3980, so gets 15% capped at 500
    in any order."""
    term = option.subsidy
    if term is None:
        return True
    amount = option.amount
    taken = Decimal(0)
    for stage in STAGES:
        found = [_most_taken(d, amount) for d in problem.deductions if _reaches(d, stage, option)]
        # one promotion per stage applies, but every member discount held does
        taken += sum(found, Decimal(0)) if stage == "member" else max(found, default=Decimal(0))
    taken = min(amount, taken + Decimal("0.01") * len(STAGES))
    least, most = (amount - taken) / term.units, amount / term.units
    if term.ceiling is not None and least > term.ceiling:
        return True  # never subsidised
    below_ceiling = term.ceiling is None or most <= term.ceiling
    return below_ceiling and term.cap is not None and term.rate * least >= term.cap


def _reaches(deduction: Deduction, stage: str, option: Option) -> bool:
    """Whether `deduction`, in `stage`, can take a share of `option` in its order."""
    if deduction.platform != option.platform or deduction.stage != stage:
        return False
    if stage == "cross_store" and not option.cross_store:
        return False
    if deduction.shop is not None and deduction.shop != option.shop:
        return False
    return deduction.scope is None or bool(option.tags & deduction.scope)


def _most_taken(deduction: Deduction, amount: Decimal) -> Decimal:
    """The most `deduction` can take from an item of `amount` (its steepest share, capped
    by the most it takes off in all)."""
    share = amount * Decimal(repr(deduction.steepest))
    most = deduction.most_off
    return share if most is None else min(share, Decimal(repr(most)))


def _zero_rule_may_apply(problem: Problem, platform: str) -> bool:
    """Whether a cross-store discount can take an item's payable to zero (the zero rule).

    The shop stage takes at most its steepest shares of an item, the cross-store stage at
    most its steepest share of the item's base; an item keeps at least what they leave,
    less a cent per stage for the engine's rounding of shares."""
    cross = [d for d in problem.deductions if d.platform == platform and d.stage == "cross_store"]
    if not cross:
        return False
    cross_share = max(d.steepest for d in cross)
    for item in problem.items:
        for option in item.options:
            if option.platform != platform or not option.cross_store:
                continue
            shop_share = sum(
                max(
                    (
                        d.steepest
                        for d in problem.deductions
                        if d.platform == platform and d.stage == stage and d.shop == option.shop
                    ),
                    default=0.0,
                )
                for stage in ("shop", "shop_coupon")
            )
            if float(option.amount) * (1.0 - shop_share - cross_share) <= 0.02:
                return True
    return False


def add_assignment(problem: Problem, form: Formulation) -> None:
    model = form.model
    for i, item in enumerate(problem.items):
        terms: dict[int, float] = {}
        for o, option in enumerate(item.options):
            for k in range(form.orders[option.platform]):
                var = model.binary(cost=float(option.amount))
                form.x[(i, o, k)] = var
                form.platforms[(i, o, k)] = option.platform
                terms[var] = 1.0
        if item.optional:
            chosen = model.binary(cost=-float(item.value))
            form.bought[i] = chosen
            terms[chosen] = -1.0
            model.row(terms, 0.0, 0.0)
        else:
            model.row(terms, 1.0, 1.0)


def add_symmetry(problem: Problem, form: Formulation) -> None:
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
class OrderSlot:
    """Linear expressions for one order slot: its amount, per shop, and its cross-store base."""

    gross: Expr = field(default_factory=dict)
    shops: dict[str, Expr] = field(default_factory=lambda: defaultdict(dict))
    cross: Expr = field(default_factory=dict)
    options: list[tuple[Option, int]] = field(default_factory=list)


def order_amounts(problem: Problem, form: Formulation) -> dict[tuple[str, int], OrderSlot]:
    orders: dict[tuple[str, int], OrderSlot] = defaultdict(OrderSlot)
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
