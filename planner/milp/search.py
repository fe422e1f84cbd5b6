"""The optimiser's search state: the best plan the cost engine has priced so far, the
model's best bound, and what is done with the model's plans (cuts where the engine
disagrees, a local search from the best ones, merging equally cheap orders).

`planner.optimise` runs the loop; docs/optimiser.md explains it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from concurrent import futures
from dataclasses import replace
from decimal import Decimal

from planner.cart import Cart
from planner.cost import (
    Pick,
    PricedCart,
    PricedItem,
    Pricing,
    most_subsidy,
    naive_assignment,
    price,
)
from planner.milp.columns import Column
from planner.milp.improve import OrderCosts, improve
from planner.milp.problem import Problem
from planner.milp.slots import Formulation
from planner.money import ZERO


class OutOfTime(Exception):
    """A pricing was given up at its deadline (`Search.value_by`)."""


def never() -> bool:
    """A search nobody stops: only its deadline ends it."""
    return False


#: The step kind under which the cost engine records a trade-in subsidy (ledger.STEP_KINDS).
SUBSIDY_STEP = "subsidy"

#: The local search gives up a pricing this long before the optimiser's deadline: what
#: follows it (waking while the abandoned pricing holds the interpreter, the merge check,
#: the result) took 0.01-0.02 s on 200-item carts.
FINISHING = 0.05

#: A local search told to stop (`Search.improve`) looks this often whether it has been,
#: while a pricing runs.
STOP_POLL = 0.02

#: Model and engine may differ by rounding (percentages and subsidies are rounded half-up
#: to the cent by the engine); within this they count as agreeing.
TOLERANCE = Decimal("0.01")


class Search:
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
        self._most: dict[frozenset[tuple[int, int]], dict[str, Decimal]] = {}
        #: The longest a full pricing has taken: steps that end in one stop `margin()`
        #: before the deadline. The latest alone was not enough: on a 200-item cart one
        #: pricing took 0.39 s and the next, started 0.39 s before the deadline, 0.56 s.
        self.pricing_seconds = 0.0
        self.found: list[dict[int, tuple[int, int]]] = []
        self._unpriced: list[dict[int, tuple[int, int]]] = []
        self._pricing_thread: futures.ThreadPoolExecutor | None = None
        #: The starts the local search has searched from (`improve`): searching one
        #: again would end at the same plan.
        self._tried: list[dict[int, tuple[int, int]]] = []
        #: Plans every merge of whose orders was priced and cost more (`merge_orders`).
        self._unmergeable: list[dict[int, tuple[int, int]]] = []
        #: The local search may run in a thread beside HiGHS (`planner.milp.search_thread`):
        #: every change of the best plan holds this lock.
        self._lock = threading.RLock()

    def start(self, form: Formulation) -> dict[int, float]:
        """A MIP start: the best plan so far, else the naive plan (each item at its cheapest
        offer, one order per platform). HiGHS ignores a start the cuts have made infeasible.

        With several orders per platform and no plan yet (the neighbourhood of the LP
        relaxation found none, `planner.optimise`), the solve gets no start: a one-order
        plan keeps HiGHS's improvement heuristics near one order per platform. On the
        bench carts (100 items, 5 s, 0.5% asked) the gaps were 0.4-3.9% when a one-order
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

    def close_enough(self, gap: float, bound: Decimal | None = None) -> bool:
        """Whether the best priced plan is already proven optimal (within a cent of the
        bound) or within the relative `gap` asked for, whatever the model's last plan;
        with `bound`, a bound HiGHS has reported but not yet returned."""
        lowest = self.bound if bound is None else max(self.bound, bound)
        if self.best is None or lowest.is_infinite():
            return False
        distance = self.best_objective - lowest
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
        with self._lock:
            if self.best is not None and plan == self.best[2]:
                self.modelled = modelled + total - objective
        return objective <= modelled + TOLERANCE

    def found_on_the_way(self, plan: dict[int, tuple[int, int]]) -> None:
        """An improving plan HiGHS found: remembered, to be priced once HiGHS returns
        (`price_found`) and as a start for the local search.

        Pricing it here, inside HiGHS's callback, would run outside HiGHS's clock: a
        100-item cart in three orders per platform found dozens of plans, and a solve
        asked to stop after 8 s returned after 24 s (2.7 s of CPU on a loaded machine)."""
        self.found.append(plan)
        self._unpriced.append(plan)

    def price_found(self, deadline: float) -> None:
        """Price the plans HiGHS found since the last call, latest (best by the model)
        first, while time is left; the latest is always priced. Each is kept if best."""
        pending, self._unpriced = self._unpriced, []
        for count, plan in enumerate(reversed(pending)):
            if count and time.perf_counter() >= deadline:
                return
            self.consider(plan, None)

    def value_by(
        self, deadline: float, stopped: Callable[[], bool] = never
    ) -> Callable[[dict[int, tuple[int, int]]], Decimal]:
        """Price a plan and keep it if best; its objective (Infinity above the budget).
        Each pricing is given up at `deadline` or once `stopped()` (`priced_by`)."""

        def value(plan: dict[int, tuple[int, int]]) -> Decimal:
            assignment, priced = self.priced_by(plan, deadline, stopped)
            found = self._keep(plan, assignment, priced, None)
            return Decimal("Infinity") if found is None else found[0]

        return value

    def priced_by(
        self, plan: dict[int, tuple[int, int]], deadline: float, stopped: Callable[[], bool]
    ) -> tuple[dict[str, Pick], PricedCart]:
        """The engine's pricing of `plan`, given up at `deadline` or once `stopped()`
        (raising `OutOfTime`); it does not touch the best plan.

        How long a plan takes to price is not known before: the held coupons' handout
        grows with the orders that contest them, and a 200-item plan in twelve orders took
        0.52 s where every plan priced before it took at most 0.13 s, past the deadline
        however the search's margin was set. So the local search and the merging of
        orders price in a thread of their own, and a pricing still running at the
        deadline is left to finish there, its plan dropped."""
        assignment = self._assignment(plan)
        started = time.perf_counter()
        priced = self._priced_in_thread(self.cart, assignment, deadline, stopped)
        self.pricing_seconds = max(self.pricing_seconds, time.perf_counter() - started)
        return assignment, priced

    def _priced_in_thread(
        self,
        cart: Cart,
        assignment: dict[str, Pick],
        deadline: float,
        stopped: Callable[[], bool],
    ) -> PricedCart:
        """`price(cart, assignment)` in the pricing thread, given up (`OutOfTime`) at
        `deadline` or once `stopped()`: a pricing left running finishes there, unwaited."""
        pricing = self._pricer().submit(price, cart, assignment, self.pricing)
        while True:
            left = deadline - time.perf_counter()
            try:
                return pricing.result(timeout=max(min(left, STOP_POLL), 0.0))
            except futures.TimeoutError:
                if left <= STOP_POLL or stopped():
                    raise OutOfTime from None

    def _pricer(self) -> futures.ThreadPoolExecutor:
        if self._pricing_thread is None:
            self._pricing_thread = futures.ThreadPoolExecutor(1, "daoshou-pricing")
        return self._pricing_thread

    def _close_pricer(self) -> None:
        """Let a pricing given up at the deadline finish in its thread, unwaited."""
        if self._pricing_thread is not None:
            self._pricing_thread.shutdown(wait=False)
            self._pricing_thread = None

    def _evaluate(
        self, plan: dict[int, tuple[int, int]], modelled: Decimal | None
    ) -> tuple[Decimal, Decimal] | None:
        """Price `plan`, keep it if best; its objective and total, or None above the budget.
        Its items' pricing is noted for `cut_subsidies` (on the caller's thread only)."""
        assignment = self._assignment(plan)
        started = time.perf_counter()
        priced = price(self.cart, assignment, self.pricing)
        self.pricing_seconds = max(self.pricing_seconds, time.perf_counter() - started)
        self.best_seen = {item.id: item for item in priced.items}
        return self._keep(plan, assignment, priced, modelled)

    def _keep(
        self,
        plan: dict[int, tuple[int, int]],
        assignment: dict[str, Pick],
        priced: PricedCart,
        modelled: Decimal | None,
    ) -> tuple[Decimal, Decimal] | None:
        """Keep a priced plan if best; its objective and total, or None above the budget."""
        objective = priced.total - self._worth(assignment)
        if self.cart.budget is not None and priced.total > self.cart.budget:
            return None
        with self._lock:
            if objective < self.best_objective:
                self.best = (assignment, priced, plan)
                self.best_objective = objective
                self.modelled = priced.total if modelled is None else modelled
        return objective, priced.total

    def cut_subsidies(
        self, form: Formulation, plan: dict[int, tuple[int, int]], granted: dict[int, float]
    ) -> bool:
        """Where the engine granted an item less subsidy than the model did, bound that
        subsidy for exactly that order's composition (a cut local to the order, much
        stronger than cutting off the plan). True if any cut was added.

        The bound must hold in EVERY plan where the order has this composition, and there
        the handout may give the order other held coupons (it depends on the other
        orders): so it is the most the item could get over every coupon set its order
        could receive (`planner.cost.most_subsidy`), not what it got in this plan. Where
        even that is not below the model's grant (the item lost its category's quota, or
        a coupon the order lacked here would unlock it), no local cut holds, and the plan
        is cut off instead."""
        engine = {
            item_id: sum((-s.amount for s in priced.steps if s.kind == SUBSIDY_STEP), ZERO)
            for item_id, priced in self.best_seen.items()
        }
        cut = False
        for item, modelled in granted.items():
            if float(engine[self.problem.items[item].id]) >= modelled - float(TOLERANCE):
                continue
            most = self._most_subsidy(plan, item)
            if float(most) < modelled - float(TOLERANCE):
                form.cap_subsidy(plan, item, float(most))
                cut = True
        return cut

    def _most_subsidy(self, plan: dict[int, tuple[int, int]], item: int) -> Decimal:
        """The most subsidy `item` could get in its order of `plan`, over every set of held
        coupons the order could receive; remembered per composition."""
        option, slot = plan[item]
        platform = self._platform(item, option)
        members = frozenset(
            (i, o) for i, (o, k) in plan.items() if k == slot and self._platform(i, o) == platform
        )
        if members not in self._most:
            items = self.problem.items
            picks = {items[i].id: Pick(items[i].options[o].offer) for i, o in members}
            self._most[members] = most_subsidy(self.cart, picks, self.pricing)
        return self._most[members][self.problem.items[item].id]

    def margin(self) -> float:
        """How long before a deadline to stop starting full pricings: half as long again
        as the longest one so far (a plan's pricing varies with its orders and coupons,
        and a loaded machine varies it more)."""
        return 1.5 * self.pricing_seconds

    def improve(
        self,
        slots: dict[str, int],
        deadline: float,
        stopped: Callable[[], bool] = never,
        wide: bool = True,
    ) -> bool:
        """Local search (`planner.milp.improve`) from the best plan, then, if `wide`, while
        time is left, from the other plans HiGHS found (latest first), the naive plan, and
        the best plan with two orders of a platform merged: on 30-item carts the search
        from the best plan ends within a tenth of a second, and other starts reach other
        local optima. Starts searched before (by an earlier call) are skipped; True if any
        start was new. Stops at `deadline` or once `stopped()`."""
        if self.best is None:
            return False
        costs = OrderCosts(self.cart, self.pricing, self.problem)
        value = self.value_by(deadline - FINISHING, stopped)
        searched = False

        def until() -> float:
            """A search's last step may be a full pricing: it stops the longest one so far
            before the deadline, read anew at each step, as a 200-item plan in many orders
            took four times as long to price (0.52 s) as the plans before it."""
            return -math.inf if stopped() else deadline - self.margin()

        def search_from(starts: list[dict[int, tuple[int, int]]]) -> bool:
            """Search from each start not tried yet; False once out of time."""
            nonlocal searched
            for start in starts:
                if time.perf_counter() >= until():
                    return False
                if start not in self._tried:
                    self._tried.append(start)
                    searched = True
                    try:
                        improve(start, self.problem, slots, costs, value, until)
                    except OutOfTime:
                        return False
            return True

        try:
            if not wide:
                search_from([self.best[2]])
            elif search_from([self.best[2], *reversed(list(self.found)), self.naive_plan()]):
                search_from([merged for _, merged in self._merged(self.best[2])])
        finally:
            self._close_pricer()
        return searched

    def time_pricing(self) -> None:
        """Price the naive plan once, only to learn how long a pricing takes before the
        first deadline that must leave room for one (the plan is not kept as the best:
        `start` explains why a one-order plan is no start for HiGHS)."""
        started = time.perf_counter()
        self.priced(self.naive_plan())
        self.pricing_seconds = max(self.pricing_seconds, time.perf_counter() - started)

    def priced(self, plan: dict[int, tuple[int, int]]) -> PricedCart:
        """The engine's pricing of `plan`, without touching the search state (another
        thread may call it)."""
        return price(self.cart, self._assignment(plan), self.pricing)

    def in_hand(self, priced: PricedCart) -> list[float]:
        """Per item, what it costs in a priced plan as the engine allocates the total (its
        in-hand amount; a wishlist item less its worth, and never above zero; 0 if not
        bought): a starting point for column generation's duals."""
        in_hand = {item.id: item.in_hand for item in priced.items}
        duals = []
        for item in self.problem.items:
            if not item.optional:
                duals.append(float(in_hand[item.id]))
            else:
                bought = in_hand.get(item.id)
                duals.append(0.0 if bought is None else min(0.0, float(bought - item.value)))
        return duals

    def orders(self, plan: dict[int, tuple[int, int]], priced: PricedCart) -> list[Column]:
        """`plan`'s orders as columns for `planner.milp.columns`: each costs what its items
        cost in the engine's pricing of the whole plan (less the worth of the wishlist items
        it adds) and uses the subsidy quotas the engine granted in it, so together they
        form the plan as the master sees it."""
        bought = {item.id: item for item in priced.items}
        groups: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for i, (o, k) in plan.items():
            groups.setdefault((self._platform(i, o), k), []).append((i, o))
        columns = []
        for (platform, _), members in sorted(groups.items()):
            cost, quotas = ZERO, set()
            for i, o in members:
                item = self.problem.items[i]
                got = bought[item.id]
                cost += got.in_hand - (item.value if item.optional else ZERO)
                quota = self._quota(i, o)
                if quota and any(s.kind == SUBSIDY_STEP and s.amount for s in got.steps):
                    quotas.add(quota)
            quotas |= self._coupons(priced, members)
            columns.append(Column(platform, frozenset(members), float(cost), frozenset(quotas)))
        return columns

    def _coupons(self, priced: PricedCart, members: list[tuple[int, int]]) -> set[str]:
        """The held coupons the engine spent in the order holding `members`."""
        first = self.problem.items[members[0][0]].id
        order = next(o for o in priced.orders if first in o.item_ids)
        return {f"coupon:{index}" for index in order.coupons}

    def _quota(self, item: int, option: int) -> str | None:
        term = self.problem.items[item].options[option].subsidy
        return None if term is None else term.quota

    def merge_orders(self, deadline: float, stopped: Callable[[], bool] = never) -> bool:
        """Merge two orders of a platform wherever that costs nothing more: among equally
        cheap plans the shopper prefers fewer checkouts. Only while time is left (and
        until `stopped()`). A plan whose every merge was tried is not tried again (the
        search thread merges while HiGHS runs); True if any merge was priced.

        A merge is first priced on the platforms it can change alone (`_linked`): a
        pricing of the whole 100-item plan in three orders per platform took 0.1-0.2 s,
        and its twelve merges 1.5-2.3 s, most of a run asked for 0.5%. Only a merge that
        costs nothing more there is priced in full, to be kept."""
        priced_any = False
        try:
            while self.best is not None and (plan := self.best[2]) not in self._unmergeable:
                before: dict[frozenset[str], Decimal] = {}
                everywhere = {self._platform(i, o) for i, (o, _) in plan.items()}
                for platform, moved in self._merged(plan):
                    if time.perf_counter() + self.margin() >= deadline:
                        return priced_any
                    priced_any = True
                    linked = self._linked(plan, platform)
                    if linked != everywhere:
                        if linked not in before:
                            before[linked] = self._part_total(plan, linked, deadline, stopped)
                        if self._part_total(moved, linked, deadline, stopped) > before[linked]:
                            continue
                    assignment, priced = self.priced_by(moved, deadline - FINISHING, stopped)
                    objective = priced.total - self._worth(assignment)
                    with self._lock:
                        if objective <= self.best_objective and (
                            self.cart.budget is None or priced.total <= self.cart.budget
                        ):
                            self.best = (assignment, priced, moved)
                            self.best_objective = objective
                            break
                else:
                    self._unmergeable.append(plan)
        except OutOfTime:
            pass
        finally:
            self._close_pricer()
        return priced_any

    def _linked(self, plan: dict[int, tuple[int, int]], platform: str) -> frozenset[str]:
        """`platform` and the platforms whose orders its orders' pricing can depend on in
        `plan`: those holding an item that competes for a subsidy quota (one item per
        category per person, across orders) with one of its items, and so on. Coupons,
        cross-store discounts, shipping and credit stay within a platform, so the rest of
        the plan costs the same whatever this platform's orders are."""
        holders: dict[str, set[str]] = {}
        for i, (o, _) in plan.items():
            option = self.problem.items[i].options[o]
            if option.subsidy is not None:
                holders.setdefault(option.subsidy.quota, set()).add(option.platform)
        linked = {platform}
        grown = True
        while grown:
            grown = False
            for platforms in holders.values():
                if platforms & linked and not platforms <= linked:
                    linked |= platforms
                    grown = True
        return frozenset(linked)

    def _part_total(
        self,
        plan: dict[int, tuple[int, int]],
        platforms: frozenset[str],
        deadline: float,
        stopped: Callable[[], bool],
    ) -> Decimal:
        """The engine's total for the items `plan` buys on `platforms`, priced as a cart
        of their own (without the budget, which bounds the whole plan)."""
        assignment = self._assignment(
            {i: chosen for i, chosen in plan.items() if self._platform(i, chosen[0]) in platforms}
        )
        items = tuple(item for item in self.cart.items if item.id in assignment)
        cart = replace(self.cart, items=items, budget=None)
        return self._priced_in_thread(cart, assignment, deadline - FINISHING, stopped).total

    def _merged(
        self, plan: dict[int, tuple[int, int]]
    ) -> list[tuple[str, dict[int, tuple[int, int]]]]:
        """`plan` with two orders of one platform merged, for each such pair of orders,
        with that platform."""
        slots = sorted({(self._platform(i, o), k) for i, (o, k) in plan.items()})
        pairs = [(a, b) for a in slots for b in slots if a[0] == b[0] and a[1] < b[1]]
        return [
            (
                platform,
                {
                    i: (o, into if (k, self._platform(i, o)) == (source, platform) else k)
                    for i, (o, k) in plan.items()
                },
            )
            for (platform, into), (_, source) in pairs
        ]

    def _platform(self, item: int, option: int) -> str:
        return self.problem.items[item].options[option].platform

    def _worth(self, assignment: dict[str, Pick]) -> Decimal:
        """The worth of the wishlist items a plan adds (the objective leaves it out)."""
        return sum((self.values[i] for i in assignment if i in self.values), ZERO)

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
