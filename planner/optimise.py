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
Every improving plan HiGHS finds on the way is priced too, and the best kept. With several
orders per platform, a share of the time goes to a local search over single moves from
the best plans (`planner.milp.improve`); `planner.milp.search` holds the search state.
On carts of `CHILD_MIN_ITEMS` items or more HiGHS runs in a child process that is killed
at the deadline (`planner.milp.solver_child`): the time limit holds even where one of HiGHS's
steps reads no clock for seconds.
docs/optimiser.md explains the formulation.

Optional (wishlist) items are added only when they pay for themselves: each is worth what
it would cost bought on its own, so it enters the plan only if adding it raises the total
by less than that, i.e. it helps reach a threshold. `suggest_additions` lists them.
"""

from __future__ import annotations

import contextlib
import math
import time
from dataclasses import dataclass, replace
from decimal import Decimal

from planner.cart import Cart, Item
from planner.cost import Pick, PricedCart, Pricing, price
from planner.errors import PlanError
from planner.milp import solver, solver_child
from planner.milp.adapter import problem_from_cart
from planner.milp.column_thread import ColumnThread
from planner.milp.formulation import Formulation, build
from planner.milp.search import SUBSIDY_STEP, TOLERANCE, Search
from planner.milp.search_thread import SearchThread
from planner.money import CENT, ZERO
from planner.wording import Words, words

__all__ = [
    "SUBSIDY_STEP",
    "OptimisedPlan",
    "Suggestion",
    "optimise",
    "standalone_cost",
    "suggest_additions",
]

HALF_CENT = Decimal("0.005")

#: The most orders (checkouts) per platform the optimiser considers unless told otherwise.
ORDERS = 3

#: With several orders per platform, the share of the time limit kept from HiGHS for
#: moving single items in its best plan (`planner.milp.improve`): on the bench carts
#: HiGHS's plan after 5 s was still 0.2-0.5% above plans one move away.
IMPROVE_SHARE = 0.2
#: The same where the local search ran beside HiGHS (`planner.milp.search_thread`): what
#: is left is pricing HiGHS's last plan, merging orders and any start not yet searched.
BESIDE_SHARE = 0.05

#: With several orders per platform, the most of the time limit the neighbourhood of
#: the LP relaxation may take for a first plan (`_solve_neighbourhood`), and the relative
#: gap to its own bound at which it stops when the optimisation is asked for less.
NEIGHBOURHOOD_SHARE = 0.3
NEIGHBOURHOOD_GAP = 0.001

#: Column generation runs beside the compact model only on carts of at most this many
#: items. Its pricing MILPs grow with the items per platform (up to 1.5 s each at 100
#: items), and past about 60 items its bound stayed far below the compact model's within
#: 10 s while its thread took CPU from HiGHS: on the shared bench machine, 100- and
#: 200-item carts ended with the same or better gaps without it, and a 200-item solve
#: ran 30.5 s with it against 13.7 s without (docs/optimiser.md, measured).
COLUMNS_MAX_ITEMS = 60

#: Carts of at least this many items are solved in a child process (`planner.milp.solver_child`)
#: that is killed at the deadline: one step of HiGHS's root work, which reads no clock,
#: took up to 0.8 s of CPU at 30 items, 1.3 s at 100 and 2.5 s at 200, which on a loaded
#: machine is seconds of wall time past the limit. Below this the model is solved in
#: this process: a child's start (0.2 s of CPU importing HiGHS) would cost more than
#: such carts take to solve (docs/optimiser.md, "Round 4").
CHILD_MIN_ITEMS = 20


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
    #: Why the search ended: "proof" (optimal), "gap" (within the gap asked) or "time
    #: limit" (the best plan when the time asked for was up).
    stopped_by: str = "proof"

    @property
    def total(self) -> Decimal:
        """The plan's total, as the cost engine prices it."""
        return self.priced.total

    def describe_status(self) -> str:
        """One line for the user: proven optimal, or how far from the bound."""
        if self.status == "optimal":
            return f"proven optimal in {self.seconds:.2f}s"
        ended = " (stopped at the time limit)" if self.stopped_by == "time limit" else ""
        return (
            f"best plan found in {self.seconds:.2f}s{ended}; not proven optimal: "
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

    @property
    def words(self) -> Words:
        """The suggestion as a note form and its values, worded in either language."""
        return words(
            "suggestion",
            name=self.name,
            platform=self.platform,
            shop=self.shop,
            extra=self.extra,
            alone=self.alone,
            saving=self.saving,
        )

    def text(self) -> str:
        """The suggestion in one line, Chinese then English: the stable `text` of
        `--json`, which predates the worded forms."""
        return f"{self.words.text('zh')} / {self.words.text('en')}"


def optimise(
    cart: Cart,
    pricing: Pricing,
    *,
    time_limit: float = 10.0,
    gap: float = 0.0,
    max_orders_per_platform: int = ORDERS,
) -> OptimisedPlan:
    """The cheapest plan for `cart`, proven optimal if `time_limit` seconds allow.

    `gap` lets the solver stop once within that relative distance of the bound (0.005 =
    0.5%). A platform gets more than one order only if one of its promotions is limited
    per order, and never more than `max_orders_per_platform`. Raises PlanError when no
    plan respects the limits and the budget.
    """
    began = time.perf_counter()
    with _solver(len(cart.items)) as child:
        left = time_limit - (time.perf_counter() - began)  # starting the child counts
        return _optimise(cart, pricing, left, gap, max_orders_per_platform, child, True)


def _optimise(
    cart: Cart,
    pricing: Pricing,
    time_limit: float,
    gap: float,
    max_orders_per_platform: int,
    child: solver_child.Child | None,
    last: bool = False,
) -> OptimisedPlan:
    """`optimise`, with HiGHS in `child` where one is given. The `last` solve closes the
    child as soon as HiGHS is done, while time is left: reaping a process that held a
    200-item model takes some hundredths of a second."""
    started = time.perf_counter()
    deadline = started + time_limit
    values = {
        item.id: standalone_cost(cart, item, pricing) - CENT / 2
        for item in cart.items
        if item.optional and _allowed(item)
    }
    problem = problem_from_cart(
        cart, pricing.rules, pricing.subsidies, values, max_orders_per_platform
    )
    search = Search(cart, pricing, problem, values)
    form = build(problem)
    several = max(form.orders.values(), default=1) > 1
    search.time_pricing()
    columns = several and len(cart.items) <= COLUMNS_MAX_ITEMS
    # Past COLUMNS_MAX_ITEMS this process only waits while HiGHS solves in its child: the
    # local search runs meanwhile, and HiGHS is stopped once a plan is close enough.
    searched_beside = several and child is not None and not columns
    # HiGHS and column generation stop early enough for their last plans to be priced by
    # the deadline, and HiGHS with several orders per platform early enough for the local
    # search (a twentieth of the time where it ran beside, to merge and price the last).
    if searched_beside:  # the last plan's pricing, merges: three pricings at the least
        reserve = max(BESIDE_SHARE * time_limit, 3 * search.margin())
    else:
        reserve = max(IMPROVE_SHARE * time_limit if several else 0.0, 2 * search.margin())
    column_thread = None
    if columns:
        until = deadline - 2 * search.margin()
        column_thread = ColumnThread(search, form.orders, until, time_limit, gap)
    beside = None
    if searched_beside:
        beside = SearchThread(search, form.orders, deadline - reserve)
    try:
        if several:
            until = min(started + NEIGHBOURHOOD_SHARE * time_limit, deadline - reserve)
            _solve_neighbourhood(form, search, until, gap, child, beside is not None)
        rounds = _solve(form, search, deadline - reserve, gap, child, beside)
    finally:
        if beside is not None:
            beside.finish()
    if last and child is not None:
        child.close()
    if search.best is None:  # stopped before HiGHS found any plan: the naive one holds
        search.consider(search.naive_plan(), None)
    if not search.close_enough(gap):
        search.improve(form.orders, deadline)
    if column_thread is not None:
        column_thread.finish()
    search.merge_orders(deadline)
    return _result(search, time.perf_counter() - started, rounds, gap)


def _solver(items: int) -> contextlib.AbstractContextManager[solver_child.Child | None]:
    """A solver process for a cart of `items` items, started now so that its start-up
    overlaps building the model; none for small carts or where children cannot run."""
    if items >= CHILD_MIN_ITEMS and solver_child.available():
        return solver_child.Child()
    return contextlib.nullcontext()


def _solve(
    form: Formulation,
    search: Search,
    deadline: float,
    gap: float,
    child: solver_child.Child | None,
    beside: SearchThread | None = None,
) -> int:
    """Solve, verify with the engine, cut off a plan the model mispriced, repeat; return
    the number of solves. The search keeps the best plan and the model's best bound.
    With a `child`, HiGHS runs there and is killed at the deadline if still running, and
    where a local search improves the best plan `beside` it, as soon as that plan is
    close enough to the bound HiGHS reports. A round that ends at its deadline stops that
    search before its last plan is priced: both pricing at once took twice as long, past
    the time limit."""
    watched = beside is not None

    def enough(bound: float) -> bool:
        return math.isfinite(bound) and search.close_enough(gap, _exact(bound))

    rounds = 0
    several = max(form.orders.values(), default=1) > 1
    while True:
        rounds += 1
        left = deadline - time.perf_counter()
        request = form.model.request(left, gap, search.start(form), presolve=several)
        solution = _run_round(
            request, deadline, child, _noting(form, search), enough if watched else None
        )
        if beside is not None and (solution.stopped or time.perf_counter() >= deadline):
            beside.finish()
        # A watched round's other plans are the local search's starts, priced there.
        search.price_found(0.0 if watched else deadline)
        if solution.status == "infeasible":
            search.bound = search.best_objective
            return rounds
        if solution.status == "unknown" or solution.stopped:  # out of time, HiGHS killed
            if math.isfinite(solution.bound):
                search.bound = max(search.bound, _exact(solution.bound))
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


def _solve_neighbourhood(
    form: Formulation,
    search: Search,
    deadline: float,
    gap: float,
    child: solver_child.Child | None,
    watched: bool = False,
) -> None:
    """A first plan from the neighbourhood of the LP relaxation: every item restricted to
    the offers the relaxation's optimum gives any weight, in any of their order slots
    (RENS). Its plans are priced (only the last when `watched`: the local search beside
    prices the others as its starts) and the best starts the whole model's solve.

    With several orders per platform the whole model's first good plan comes from
    HiGHS's own sub-MIP at the end of its root cuts (3-5 s of CPU on 100-item carts); the
    neighbourhood, a third of the offers with presolve on, gives one within 0.5% of the
    final bound in about 1 s, which lets the whole model stop as soon as its bound is
    close enough (docs/optimiser.md, "Round 5"). Its own bound is not one on the cart."""
    if deadline <= time.perf_counter():
        return
    relaxation = form.model.request(deadline - time.perf_counter(), relaxed=True)
    relaxed = _run_round(relaxation, deadline, child, None)
    if relaxed.status != "optimal":  # out of time (or no plan at all)
        return
    outside = form.outside(relaxed.values)
    request = form.model.request(
        deadline - time.perf_counter(), max(gap, NEIGHBOURHOOD_GAP), zero=outside
    )
    _run_round(
        request,
        deadline,
        child,
        _noting(form, search),
    )
    search.price_found(0.0 if watched else deadline)


def _noting(form: Formulation, search: Search) -> solver.Found:
    """HiGHS's improving solutions, as plans the search prices once HiGHS returns."""
    return lambda values, _o, _b: search.found_on_the_way(form.chosen(values))


def _run_round(
    request: solver.Request,
    deadline: float,
    child: solver_child.Child | None,
    found: solver.Found | None,
    enough: solver_child.Enough | None = None,
) -> solver.Solution:
    """One HiGHS solve, in `child` where there is one (stopped once `enough` says so). A
    child that dies without an answer (the system's out-of-memory killer, a crash) leaves
    the round to this process, in the time that is left: the shopper still gets a plan,
    and the next round starts a new child."""
    if child is not None:
        try:
            return child.solve(request, deadline, found, enough)
        except solver_child.SolverFailed:
            left = max(deadline - time.perf_counter(), 0.0)
            request = replace(request, time_limit=min(request.time_limit, left))
    return solver.run(request, found)


def _exact(value: float) -> Decimal:
    """A solver value as a Decimal, without the float noise far below a cent (a model
    optimum of 8578.90 comes back as 8578.899999999734)."""
    return Decimal(repr(value)).quantize(Decimal("0.0001"))


def _result(search: Search, seconds: float, rounds: int, asked: float) -> OptimisedPlan:
    """The best plan, its status, and the bound as a total (the objective counts the
    worth of added wishlist items; the bound is shifted back by the same worth)."""
    if search.best is None:
        raise _infeasible(search.cart, search.pricing)
    assignment, priced, _ = search.best
    # Stopped before HiGHS proved any bound: no total is below zero, so no objective is
    # below minus the worth of every wishlist item.
    floor = -sum(search.values.values(), ZERO)
    bound = min(max(search.bound, floor), search.best_objective)
    proven = search.best_objective - bound <= TOLERANCE
    stopped_by = "proof" if proven else "gap" if search.close_enough(asked) else "time limit"
    bound_total = bound + priced.total - search.best_objective
    gap = ZERO if proven else (priced.total - bound_total) / max(priced.total, CENT)
    return OptimisedPlan(
        assignment=assignment,
        priced=priced,
        status="optimal" if proven else "feasible",
        bound=priced.total if proven else bound_total.quantize(CENT),
        gap=gap.quantize(Decimal("0.0001")),
        seconds=seconds,
        rounds=rounds,
        modelled=search.modelled.quantize(CENT),
        stopped_by=stopped_by,
    )


def standalone_cost(cart: Cart, item: Item, pricing: Pricing) -> Decimal:
    """What `item` costs bought on its own at its best offer (its worth as a wishlist item)."""
    alone = replace(cart, items=(replace(item, optional=False),), budget=None)
    totals = [price(alone, {item.id: Pick(index)}, pricing).total for index in _allowed(item)]
    if not totals:
        raise PlanError(
            f"item {item.id!r}: qty {item.qty} is above every offer's limit per person",
            f"lower {item.id}'s qty or add an offer that allows it",
            zh=(
                f"商品 {item.id!r}：数量 {item.qty} 超过每个报价的每人限购",
                f"减少 {item.id} 的数量，或添加允许这个数量的报价",
            ),
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
            zh=(
                f"没有方案在预算 {cart.budget} 之内：最便宜的方案要 {cheapest.total}",
                "提高预算或删减商品",
            ),
        )
    return PlanError(
        "no plan satisfies the offers' limits",
        "check each item's qty and limits",
        zh=("没有满足各报价限购的方案", "检查每个商品的数量和限购"),
    )


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
    with _solver(len(required) + 1) as child:  # one solver process for every solve
        base = _optimise(replace(cart, items=required), pricing, per_solve, 0.0, ORDERS, child)
        suggestions: list[Suggestion] = []
        for item in candidates:
            alone = standalone_cost(cart, item, pricing)
            added = replace(cart, items=(*required, replace(item, optional=False)))
            try:
                plan = _optimise(added, pricing, per_solve, 0.0, ORDERS, child)
            except PlanError:
                continue
            extra = plan.total - base.total
            if extra < alone:
                suggestions.append(_suggestion(item, plan, extra, alone))
    return sorted(suggestions, key=lambda s: (-s.saving, s.item_id))


def _suggestion(item: Item, plan: OptimisedPlan, extra: Decimal, alone: Decimal) -> Suggestion:
    """`item` as a suggestion: where `plan` buys it, what adding it costs and saves."""
    bought = next(p for p in plan.priced.items if p.id == item.id)
    return Suggestion(item.id, item.name, bought.platform, bought.shop, extra, alone, alone - extra)
