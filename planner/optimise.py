"""The cart optimiser: the cheapest choice of offer and order (checkout) for every item.

`optimise(cart, pricing)` builds a MILP (`planner.milp`) whose optimum is a lower bound on
what any plan costs, solves it with HiGHS, and prices the plan it finds with the cost
engine (`planner.cost.price`), which is the source of truth. Where the model's arithmetic
is only an approximation (discount shares allocated in proportion before a subsidy or a
scoped coupon, the zero rule, judging free shipping after discounts), the two can differ:
then a valid cut removes what the model got wrong (the subsidy of one item for exactly
its order's composition, else exactly that plan) and the model is solved again, keeping
the best priced plan. The loop stops when the model's bound reaches the best priced plan
(proven optimal) or the time runs out (a feasible plan, with the gap to the bound stated).
Every improving plan HiGHS finds on the way is priced too, and the best kept.
docs/optimiser.md explains the formulation.

Optional (wishlist) items are added only when they pay for themselves: each is worth what
it would cost bought on its own, so it enters the plan only if adding it raises the total
by less than that, i.e. it helps reach a threshold. `suggest_additions` lists them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from decimal import Decimal

from planner.cart import Cart, Item
from planner.cost import Pick, PricedCart, PricedItem, Pricing, naive_assignment, price
from planner.errors import PlanError
from planner.milp.adapter import problem_from_cart
from planner.milp.formulation import Formulation, build
from planner.milp.improve import OrderCosts, improve
from planner.milp.problem import Problem
from planner.money import CENT, ZERO

__all__ = ["OptimisedPlan", "Suggestion", "optimise", "standalone_cost", "suggest_additions"]

#: The step kind under which the cost engine records a trade-in subsidy (ledger.STEP_KINDS).
SUBSIDY_STEP = "subsidy"

#: Model and engine may differ by rounding (percentages and subsidies are rounded half-up
#: to the cent by the engine); within this they count as agreeing.
TOLERANCE = Decimal("0.01")
HALF_CENT = Decimal("0.005")

#: With several orders per platform, the share of the time limit kept from HiGHS for
#: moving single items in its best plan (`planner.milp.improve`): on the bench carts
#: HiGHS's plan after 5 s was still 0.2-0.5% above plans one move away.
IMPROVE_SHARE = 0.2


@dataclass(frozen=True)
class OptimisedPlan:
    """The best plan found, priced by the cost engine.

    `status` is "optimal" when no plan can cost less than `priced.total` (the model's bound
    reached it), else "feasible": then `bound` is the proven lower bound and `gap` the
    relative distance to it (0.004 = the plan is within 0.4% of the best possible).
    `modelled` is the MILP's own total for the chosen plan: equal to the engine's to the
    cent where the model is exact, below it where a non-linear rule (the zero rule,
    shares before a subsidy) made the model generous, and the engine's own total for a
    plan HiGHS found on the way and the model never solved to its end; `rounds` counts
    the solves.
    """

    assignment: dict[str, Pick]
    priced: PricedCart
    status: str
    bound: Decimal
    gap: Decimal
    seconds: float
    rounds: int
    modelled: Decimal

    @property
    def total(self) -> Decimal:
        """The plan's total, as the cost engine prices it."""
        return self.priced.total

    def describe_status(self) -> str:
        """One line for the user: proven optimal, or how far from the bound."""
        if self.status == "optimal":
            return f"proven optimal in {self.seconds:.2f}s"
        return (
            f"best plan found in {self.seconds:.2f}s; not proven optimal: "
            f"at most {self.gap * 100:.2f}% above the lower bound {self.bound}"
        )


@dataclass(frozen=True)
class Suggestion:
    """Add a wishlist item: the total rises by `extra` but the item alone would cost
    `alone`, so the shopper saves `saving` (= alone - extra) by adding it here."""

    item_id: str
    name: str
    platform: str
    shop: str
    extra: Decimal
    alone: Decimal
    saving: Decimal

    def text(self) -> str:
        """The suggestion in one line, Chinese then English."""
        return (
            f"加购 {self.name}（{self.platform} {self.shop}）凑满减，省 {self.saving} / "
            f"add {self.name} from the wishlist to reach the next threshold: "
            f"the total rises by {self.extra} instead of {self.alone}, saving {self.saving}"
        )


def optimise(
    cart: Cart,
    pricing: Pricing,
    *,
    time_limit: float = 10.0,
    gap: float = 0.0,
    max_orders_per_platform: int = 3,
) -> OptimisedPlan:
    """The cheapest plan for `cart`, proven optimal if `time_limit` seconds allow.

    `gap` lets the solver stop once within that relative distance of the bound (0.005 =
    0.5%). A platform gets more than one order only if one of its promotions is limited
    per order, and never more than `max_orders_per_platform`. Raises PlanError when no
    plan respects the limits and the budget.
    """
    started = time.perf_counter()
    values = {
        item.id: standalone_cost(cart, item, pricing) - CENT / 2
        for item in cart.items
        if item.optional and _allowed(item)
    }
    problem = problem_from_cart(
        cart, pricing.rules, pricing.subsidies, values, max_orders_per_platform
    )
    search = _Search(cart, pricing, problem, values)
    form = build(problem)
    deadline = started + time_limit
    several = max(form.orders.values(), default=1) > 1
    rounds = _solve(form, search, deadline - (IMPROVE_SHARE * time_limit if several else 0), gap)
    if not search.close_enough(gap):
        search.improve(form.orders, deadline)
    search.merge_orders()
    return search.result(time.perf_counter() - started, rounds)


def _solve(form: Formulation, search: _Search, deadline: float, gap: float) -> int:
    """Solve, verify with the engine, cut off a plan the model mispriced, repeat; return
    the number of solves. The search keeps the best plan and the model's best bound."""
    rounds = 0
    while True:
        rounds += 1
        solution = form.model.solve(
            deadline - time.perf_counter(),
            gap,
            start=search.start(form),
            found=lambda values: search.found_on_the_way(form.chosen(values)),
        )
        if solution.status == "infeasible":
            search.bound = search.best_objective
            return rounds
        objective, bound = _exact(solution.objective), _exact(solution.bound)
        # Within half a cent of its bound, the model's plan IS its optimum: every plan's
        # model objective lies on a half-cent grid (whole cents, less half a cent per
        # wishlist item), so no plan lies between the bound and the plan.
        if objective - bound < HALF_CENT:
            bound = objective
        search.bound = max(search.bound, bound)
        plan = form.chosen(solution.values)
        agreed = search.consider(plan, objective)
        if agreed or search.close_enough(gap) or time.perf_counter() >= deadline:
            return rounds
        if not search.cut_subsidies(form, plan, form.granted(solution.values)):
            form.exclude(plan)


def _exact(value: float) -> Decimal:
    """A solver value as a Decimal, without the float noise far below a cent (a model
    optimum of 8578.90 comes back as 8578.899999999734)."""
    return Decimal(repr(value)).quantize(Decimal("0.0001"))


class _Search:
    """The best engine-priced plan so far and the model's best bound."""

    def __init__(
        self,
        cart: Cart,
        pricing: Pricing,
        problem: Problem,
        values: dict[str, Decimal],
    ) -> None:
        self.cart = cart
        self.pricing = pricing
        self.problem = problem
        self.values = values
        self.best: tuple[dict[str, Pick], PricedCart, dict[int, tuple[int, int]]] | None = None
        self.best_objective = Decimal("Infinity")
        self.bound = Decimal("-Infinity")
        self.modelled = Decimal(0)
        self.best_seen: dict[str, PricedItem] = {}
        self.found: list[dict[int, tuple[int, int]]] = []

    def start(self, form: Formulation) -> dict[int, float]:
        """A MIP start: the best plan so far, else the naive plan (each item at its cheapest
        offer, one order per platform). HiGHS ignores a start the cuts have made infeasible.

        With several orders per platform the first solve gets no start: a one-order plan
        keeps HiGHS's improvement heuristics near one order per platform. On the bench
        carts (100 items, 5 s, 0.5% asked) the gaps were 0.4-3.9% when a one-order
        optimum started the search, 0.4-2.7% (median 0.8%) with no start."""
        if self.best is not None:
            return form.fix_plan(self.best[2])
        if max(form.orders.values(), default=1) > 1:
            return {}
        return form.fix_plan(self.naive_plan())

    def naive_plan(self) -> dict[int, tuple[int, int]]:
        """Each item at its cheapest offer, one order per platform."""
        naive = naive_assignment(self.cart, self.pricing)
        plan = {}
        for i, item in enumerate(self.problem.items):
            for o, option in enumerate(item.options):
                if item.id in naive and option.offer == naive[item.id].offer:
                    plan[i] = (o, 0)
        return plan

    def close_enough(self, gap: float) -> bool:
        """Whether the best priced plan is already proven optimal (within a cent of the
        bound) or within the relative `gap` asked for, whatever the model's last plan."""
        if self.best is None or self.bound.is_infinite():
            return False
        distance = self.best_objective - self.bound
        return distance <= TOLERANCE or distance <= Decimal(repr(gap)) * abs(self.best_objective)

    def consider(self, plan: dict[int, tuple[int, int]], modelled: Decimal | None) -> bool:
        """Price `plan` with the engine, keep it if best; True if the model priced it right.

        `modelled` is the model's optimal objective for the plan, or None for a plan HiGHS
        found on the way (its continuous variables need not be at their best yet): such a
        plan is only priced and kept if it is the best so far."""
        found = self._evaluate(plan, modelled)
        if found is None or modelled is None:
            return False
        objective, total = found
        if self.best is not None and plan == self.best[2]:
            self.modelled = modelled + total - objective
        return objective <= modelled + TOLERANCE

    def found_on_the_way(self, plan: dict[int, tuple[int, int]]) -> None:
        """An improving plan HiGHS found: priced and kept if best, and remembered as a
        start for the local search."""
        self.found.append(plan)
        self.consider(plan, None)

    def value(self, plan: dict[int, tuple[int, int]]) -> Decimal:
        """Price `plan`, keep it if best; its objective (Infinity above the budget)."""
        found = self._evaluate(plan, None)
        return Decimal("Infinity") if found is None else found[0]

    def _evaluate(
        self, plan: dict[int, tuple[int, int]], modelled: Decimal | None
    ) -> tuple[Decimal, Decimal] | None:
        """Price `plan`, keep it if best; its objective and total, or None above the budget."""
        assignment, priced, objective = self._price(plan)
        if self.cart.budget is not None and priced.total > self.cart.budget:
            return None
        if objective < self.best_objective:
            self.best = (assignment, priced, plan)
            self.best_objective = objective
            self.modelled = priced.total if modelled is None else modelled
        return objective, priced.total

    def cut_subsidies(
        self, form: Formulation, plan: dict[int, tuple[int, int]], granted: dict[int, float]
    ) -> bool:
        """Where the engine granted an item less subsidy than the model did (its shares of
        the order's discounts left it above the ceiling or lowered the amount), bound that
        subsidy for exactly that order's composition, on which alone it depends; not when
        the item lost its category's quota to another. True if any cut was added."""
        subsidy = {
            item_id: sum((-s.amount for s in priced.steps if s.kind == SUBSIDY_STEP), ZERO)
            for item_id, priced in self.best_seen.items()
        }
        quota_taken = {
            self._quota(i, o) for i, (o, _) in plan.items() if subsidy[self.problem.items[i].id] > 0
        }
        cut = False
        for item, modelled in granted.items():
            actual = subsidy[self.problem.items[item].id]
            lost_quota = actual == 0 and self._quota(item, plan[item][0]) in quota_taken
            if float(actual) < modelled - float(TOLERANCE) and not lost_quota:
                form.cap_subsidy(plan, item, float(actual))
                cut = True
        return cut

    def improve(self, slots: dict[str, int], deadline: float) -> None:
        """Local search (`planner.milp.improve`) from the best plan, then, while time is
        left, from the other plans HiGHS found (latest first) and from the naive plan:
        on 30-item carts the search from the best plan ends within a tenth of a second,
        and other starts reach other local optima."""
        if self.best is None:
            return
        costs = OrderCosts(self.cart, self.pricing, self.problem)
        starts = [self.best[2], *reversed(self.found), self.naive_plan()]
        tried: list[dict[int, tuple[int, int]]] = []
        for start in starts:
            if time.perf_counter() >= deadline:
                return
            if start not in tried:
                tried.append(start)
                improve(start, self.problem, slots, costs, self.value, deadline)

    def _quota(self, item: int, option: int) -> str | None:
        term = self.problem.items[item].options[option].subsidy
        return None if term is None else term.quota

    def merge_orders(self) -> None:
        """Merge two orders of a platform wherever that costs nothing more: among equally
        cheap plans the shopper prefers fewer checkouts."""
        while self.best is not None:
            plan = self.best[2]
            slots = sorted({(self._platform(i, o), k) for i, (o, k) in plan.items()})
            pairs = [(a, b) for a in slots for b in slots if a[0] == b[0] and a[1] < b[1]]
            for (platform, into), (_, source) in pairs:
                moved = {
                    i: (o, into if (k, self._platform(i, o)) == (source, platform) else k)
                    for i, (o, k) in plan.items()
                }
                assignment, priced, objective = self._price(moved)
                if objective <= self.best_objective and (
                    self.cart.budget is None or priced.total <= self.cart.budget
                ):
                    self.best = (assignment, priced, moved)
                    self.best_objective = objective
                    break
            else:
                return

    def _platform(self, item: int, option: int) -> str:
        return self.problem.items[item].options[option].platform

    def _price(
        self, plan: dict[int, tuple[int, int]]
    ) -> tuple[dict[str, Pick], PricedCart, Decimal]:
        """The engine's pricing of `plan` and its objective (total less optional items' worth)."""
        assignment = self._assignment(plan)
        priced = price(self.cart, assignment, self.pricing)
        self.best_seen = {item.id: item for item in priced.items}
        worth = sum((self.values[i] for i in assignment if i in self.values), ZERO)
        return assignment, priced, priced.total - worth

    def _assignment(self, plan: dict[int, tuple[int, int]]) -> dict[str, Pick]:
        used: dict[str, set[int]] = {}
        for i, (o, k) in plan.items():
            used.setdefault(self.problem.items[i].options[o].platform, set()).add(k)
        picks = {}
        for i, (o, k) in plan.items():
            option = self.problem.items[i].options[o]
            several = len(used[option.platform]) > 1
            picks[self.problem.items[i].id] = Pick(option.offer, str(k + 1) if several else "")
        return picks

    def result(self, seconds: float, rounds: int) -> OptimisedPlan:
        """The best plan, its status, and the bound as a total (the objective counts the
        worth of added wishlist items; the bound is shifted back by the same worth)."""
        if self.best is None:
            raise _infeasible(self.cart, self.pricing)
        assignment, priced, _ = self.best
        bound = min(self.bound, self.best_objective)
        proven = self.best_objective - bound <= TOLERANCE
        bound_total = bound + priced.total - self.best_objective
        gap = ZERO if proven else (priced.total - bound_total) / max(priced.total, CENT)
        return OptimisedPlan(
            assignment=assignment,
            priced=priced,
            status="optimal" if proven else "feasible",
            bound=priced.total if proven else bound_total.quantize(CENT),
            gap=gap.quantize(Decimal("0.0001")),
            seconds=seconds,
            rounds=rounds,
            modelled=self.modelled.quantize(CENT),
        )


def standalone_cost(cart: Cart, item: Item, pricing: Pricing) -> Decimal:
    """What `item` costs bought on its own at its best offer (its worth as a wishlist item)."""
    alone = replace(cart, items=(replace(item, optional=False),), budget=None)
    totals = [price(alone, {item.id: Pick(index)}, pricing).total for index in _allowed(item)]
    if not totals:
        raise PlanError(
            f"item {item.id!r}: qty {item.qty} is above every offer's limit per person",
            f"lower {item.id}'s qty or add an offer that allows it",
        )
    return min(totals)


def _allowed(item: Item) -> list[int]:
    """The offers whose per-person limit allows the item's quantity."""
    return [i for i, o in enumerate(item.offers) if o.limit is None or item.qty <= o.limit]


def _infeasible(cart: Cart, pricing: Pricing) -> PlanError:
    """Explain why no plan exists: the budget is the only constraint a valid cart can break."""
    if cart.budget is not None:
        cheapest = optimise(replace(cart, budget=None), pricing, time_limit=5.0, gap=0.0)
        return PlanError(
            f"no plan fits the budget {cart.budget}: the cheapest plan costs {cheapest.total}",
            "raise the budget or remove items",
        )
    return PlanError("no plan satisfies the offers' limits", "check each item's qty and limits")


def suggest_additions(
    cart: Cart, pricing: Pricing, *, time_limit: float = 10.0
) -> list[Suggestion]:
    """Wishlist items worth adding: each one that lowers the cost of the rest by reaching a
    threshold, with what it saves, best first.

    `time_limit` bounds the whole search, shared evenly between its solves (one without
    the wishlist, one per candidate), so a long wishlist cannot multiply the wait.
    """
    required = tuple(item for item in cart.items if not item.optional)
    candidates = [item for item in cart.items if item.optional and _allowed(item)]
    per_solve = time_limit / (len(candidates) + 1)
    base = optimise(replace(cart, items=required), pricing, time_limit=per_solve)
    suggestions = []
    for item in candidates:
        alone = standalone_cost(cart, item, pricing)
        added = replace(cart, items=(*required, replace(item, optional=False)))
        try:
            plan = optimise(added, pricing, time_limit=per_solve)
        except PlanError:
            continue
        extra = plan.total - base.total
        if extra < alone:
            bought = next(p for p in plan.priced.items if p.id == item.id)
            suggestions.append(
                Suggestion(
                    item.id, item.name, bought.platform, bought.shop, extra, alone, alone - extra
                )
            )
    return sorted(suggestions, key=lambda s: (-s.saving, s.item_id))
