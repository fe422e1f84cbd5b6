"""The time limit is a promise: HiGHS runs in a child process (`planner.milp.solver_child`) that
is killed at the deadline, and what it reported before dying still makes a plan.

Nothing here times anything: a solve is stopped by the caller's own say-so (`found`
answering True), by a deadline the child cannot meet (stopped by SIGSTOP, as a machine
too loaded to run it would leave it), or by a KeyboardInterrupt; each
time the child must be gone, and the plan must be one the engine priced."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import pytest

from planner.cart import Cart, EveryOff, Item, Offer, Promotion, Threshold
from planner.cost import Pricing, naive_assignment, price
from planner.milp import solver_child
from planner.milp.adapter import problem_from_cart
from planner.milp.formulation import build
from planner.milp.slots import Formulation
from planner.milp.solver import run
from planner.optimise import COLUMNS_MAX_ITEMS, optimise
from tests.clock import TODAY

pytestmark = pytest.mark.skipif(not solver_child.available(), reason="solver children need POSIX")

PRICING = Pricing.load()
PLATFORMS = ("tmall", "jd", "pdd")


def sale_cart(size: int, seed: int) -> Cart:
    """A sale-day cart of `size` items over three platforms: shop coupons held once, shop
    满减 that pay in every order, and a capped cross-store discount, so that orders may
    split and no proof comes quickly."""
    rng = random.Random(seed)
    items = []
    for index in range(size):
        base = 10 ** rng.uniform(1.3, 2.8)
        offers = tuple(
            Offer(
                platform=platform,
                shop=f"{platform}-{rng.randrange(4)}",
                price=Decimal(f"{base * rng.uniform(0.9, 1.1):.2f}"),
                cross_store=platform != "pdd",
            )
            for platform in rng.sample(PLATFORMS, 2)
        )
        items.append(Item(id=f"item-{index}", name=f"item {index}", qty=1, offers=offers))
    promotions: list[Promotion] = [
        EveryOff("tmall", "cross_store", Decimal(300), Decimal(50)),
        EveryOff("jd", "cross_store", Decimal(299), Decimal(30), max_off=Decimal(150)),
    ]
    for platform in PLATFORMS:
        for shop in range(4):
            name = f"{platform}-{shop}"
            tiers = ((Decimal(199), Decimal(20)), (Decimal(399), Decimal(50)))
            promotions.append(Threshold(platform, "shop", tiers, shop=name, coupon=True))
            promotions.append(
                Threshold(platform, "shop", ((Decimal(299), Decimal(30)),), shop=name)
            )
    return Cart(now=TODAY, items=tuple(items), promotions=tuple(promotions))


def model(size: int, seed: int = 1) -> Formulation:
    cart = sale_cart(size, seed)
    return build(problem_from_cart(cart, PRICING.rules, PRICING.subsidies, {}, 3))


def our_children() -> list[int]:
    """This process's solver children, running or dead and not reaped (Linux's /proc;
    none elsewhere): processes whose parent is this one and whose command runs
    `planner.milp.solver_child`, or that are zombies (a zombie's command line is gone).
    Other tests in the same worker may keep children of their own running (a loopback
    shop, a browser)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            state, parent = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[:2]
            command = (entry / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        solver = b"planner.milp.solver_child" in command or state == b"Z"
        if int(parent) == os.getpid() and solver:
            found.append(int(entry.name))
    return found


def test_a_solve_in_the_child_answers_as_one_in_this_process():
    form = model(8)
    here = run(form.model.request(60.0))
    with solver_child.Child() as child:
        there = child.solve(form.model.request(60.0), time.perf_counter() + 600)
        assert child.alive  # a solve that ends by itself leaves the child for the next
    assert (there.status, there.stopped) == (here.status, False) == ("optimal", False)
    assert there.objective == pytest.approx(here.objective, abs=0.001)
    assert child.exit_code is not None


def test_no_bound_is_reported_above_the_optimum_by_a_solve_started_from_a_plan():
    """HiGHS completes a partial start by solving the model with the start's variables
    fixed, and reported that solve's bound as the cart's (2011.20 here, above the optimum
    of 1871.96): a solve stopped there would have called a plan optimal that is not. A
    report on the way must hold only what was proven for every plan."""
    form = model(20)
    start = form.fix_plan({i: (0, 0) for i in range(20)})  # every item at its first offer
    reported: list[float] = []
    solution = run(
        form.model.request(60.0, start=start),
        found=lambda values, objective, bound: reported.append(bound),
        bound=reported.append,
    )
    assert solution.status == "optimal"
    assert reported and max(reported) <= solution.objective + 0.005


def test_a_child_stopped_mid_solve_leaves_its_last_plan_and_bound():
    form = model(60)
    reported = []

    def enough(values, objective, bound):
        reported.append(objective)
        return True  # the first plan is all this caller wants

    with solver_child.Child() as child:
        solution = child.solve(form.model.request(600.0), time.perf_counter() + 600, enough)
        assert not child.alive and child.exit_code == -signal.SIGKILL
    assert solution.stopped and solution.status == "feasible"
    assert solution.objective == reported[-1]
    plan = form.chosen(solution.values)
    assert sorted(plan) == list(range(60))  # every item bought, in one option and order
    assert solution.bound <= solution.objective


def test_the_deadline_kills_a_child_that_gets_no_cpu():
    form = model(60)
    with solver_child.Child() as child:
        # A machine so loaded that the child never runs: HiGHS cannot read its clock.
        os.kill(child.pid, signal.SIGSTOP)
        solution = child.solve(form.model.request(600.0), time.perf_counter() + 1.0)
        assert not child.alive and child.exit_code == -signal.SIGKILL
    assert solution.stopped and solution.status == "unknown"
    assert our_children() == []


def test_keyboard_interrupt_reaps_the_child():
    form = model(60)

    def interrupted(values, objective, bound):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), solver_child.Child() as child:
        child.solve(form.model.request(600.0), time.perf_counter() + 600, interrupted)
    assert child.exit_code is not None
    assert our_children() == []


def test_a_child_that_dies_is_an_error_not_a_plan():
    form = model(60)

    def killed(values, objective, bound):
        os.kill(child.pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would

    with (
        pytest.raises(solver_child.SolverFailed, match="ended without an answer"),
        solver_child.Child() as child,
    ):
        child.solve(form.model.request(600.0), time.perf_counter() + 600, killed)
    assert child.exit_code == -signal.SIGKILL


def test_an_optimisation_stopped_at_its_limit_states_its_plan_and_gap():
    cart = sale_cart(60, 2)
    plan = optimise(cart, PRICING, time_limit=1.0)
    assert our_children() == []
    assert plan.priced.total == price(cart, plan.assignment, PRICING).total
    assert plan.status == "feasible" and plan.stopped_by == "time limit"
    assert Decimal(0) <= plan.bound <= plan.total
    assert plan.gap == ((plan.total - plan.bound) / plan.total).quantize(Decimal("0.0001"))
    assert "stopped at the time limit" in plan.describe_status()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")
def test_a_child_dies_with_its_parent():
    """A parent killed mid-solve (a terminal app's worker cancelled) leaves no solver
    running on to its ten-minute limit: the child's next report finds the pipe closed."""
    parent = subprocess.run(
        [
            sys.executable,
            "-c",
            # A parent that dies while its child is ten minutes into a solve.
            "import os, threading, time\n"
            "from planner.milp import solver_child\n"
            "from tests.planner.test_optimise_deadline import model\n"
            "child = solver_child.Child()\n"
            "request = model(60).model.request(600.0)\n"
            "solve = lambda: child.solve(request, time.perf_counter() + 600)\n"
            "threading.Thread(target=solve, daemon=True).start()\n"
            "time.sleep(1.0)\n"
            "print(child.pid, flush=True)\n"
            "os._exit(0)\n",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    orphan = Path(f"/proc/{int(parent.stdout)}")
    waited = time.monotonic()
    while orphan.exists() and _running(orphan) and time.monotonic() - waited < 60:
        time.sleep(0.05)
    assert not orphan.exists() or not _running(orphan)


def _running(proc: Path) -> bool:
    """False for a process gone or a zombie (dead, waiting for init to reap it)."""
    try:
        return (proc / "stat").read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z"
    except OSError:
        return False


def test_a_limit_too_short_for_any_solve_still_answers_with_the_naive_plan():
    """Given 0.05 s, the child has not even imported HiGHS when it is killed: the answer
    is the naive plan, priced, with the only bound known without a solve (no total is
    below zero) and its gap stated. (Past `COLUMNS_MAX_ITEMS`, so that no column
    generation runs beside HiGHS: its first bound can come within that time.)"""
    cart = sale_cart(COLUMNS_MAX_ITEMS + 20, 3)
    plan = optimise(cart, PRICING, time_limit=0.05)
    naive = price(cart, naive_assignment(cart, PRICING), PRICING)
    assert our_children() == []
    assert plan.total == naive.total
    assert (plan.status, plan.stopped_by, plan.bound, plan.gap) == (
        "feasible",
        "time limit",
        Decimal("0.00"),
        Decimal("1.0000"),
    )
    assert "stopped at the time limit" in plan.describe_status()


def test_a_child_stopped_at_a_deadline_is_replaced_for_the_next_solve():
    """The wishlist suggestions run one optimisation per candidate through one `Child`:
    a solve stopped at its deadline must not leave the next without a solver."""
    form = model(60)
    small = model(8)
    with solver_child.Child() as child:
        stopped = child.solve(form.model.request(600.0), time.perf_counter() + 600, stop_now)
        first = child.pid
        assert stopped.stopped and not child.alive
        answer = child.solve(small.model.request(60.0), time.perf_counter() + 600)
        assert answer.status == "optimal" and not answer.stopped
        assert child.alive and child.pid != first
    assert our_children() == []


def stop_now(values, objective, bound):
    return True


def test_a_solver_child_that_dies_mid_optimisation_leaves_the_round_to_this_process():
    """The system's out-of-memory killer takes the solver process during a solve: the
    optimisation goes on in this process and answers with a plan the engine priced, and
    no process is left behind."""
    cart = sale_cart(COLUMNS_MAX_ITEMS + 20, 2)
    killed: list[int] = []

    def kill_the_first_child() -> None:
        give_up = time.monotonic() + 60
        while time.monotonic() < give_up and not killed:
            for pid in our_children():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.005)

    killer = threading.Thread(target=kill_the_first_child)
    killer.start()
    plan = optimise(cart, PRICING, time_limit=8)
    killer.join()
    assert killed, "the optimiser started a solver process"
    assert our_children() == []
    naive = price(cart, naive_assignment(cart, PRICING), PRICING)
    assert plan.status in ("optimal", "feasible") and plan.total <= naive.total
    assert plan.total == price(cart, plan.assignment, PRICING).total  # the engine's price


def test_a_child_is_stopped_once_the_callers_plan_is_close_enough_to_its_bound():
    """The local search beside HiGHS may find a plan close enough to the bound HiGHS
    has reported while HiGHS goes on looking for one: `enough` is asked between reports
    too, and ends the solve as the deadline would, keeping the last bound. Here the
    caller is satisfied from another thread once HiGHS has reported a bound."""
    form = model(60)
    satisfied = threading.Event()
    bounds: list[float] = []

    def enough(bound: float) -> bool:
        if bound > float("-inf") and not satisfied.is_set():
            bounds.append(bound)
            threading.Thread(target=satisfied.set).start()  # as the search thread would
        return satisfied.is_set()

    with solver_child.Child() as child:
        solution = child.solve(form.model.request(600.0), time.perf_counter() + 600, None, enough)
        assert not child.alive and child.exit_code == -signal.SIGKILL
    assert solution.stopped and bounds
    assert solution.bound >= bounds[0]
    if solution.status == "feasible":
        assert solution.bound <= solution.objective


def test_past_column_generation_the_local_search_runs_beside_highs_and_ends_with_it():
    """Past `COLUMNS_MAX_ITEMS` the local search runs in a thread while HiGHS solves in
    its child (`planner.milp.search_thread`): the answer is a plan the engine priced,
    within the gap asked of a bound, and neither the thread nor the child outlives the
    optimisation."""
    cart = sale_cart(COLUMNS_MAX_ITEMS + 10, 4)
    plan = optimise(cart, PRICING, time_limit=60, gap=0.02)
    assert our_children() == []
    assert not [t for t in threading.enumerate() if t.name == "daoshou-search"]
    assert plan.priced.total == price(cart, plan.assignment, PRICING).total
    assert plan.stopped_by in ("proof", "gap")
    assert Decimal(0) <= plan.bound <= plan.total
    assert plan.gap <= Decimal("0.02")
