"""A small sparse model builder over HiGHS (`highspy`), and the solve result daoshou needs.

The formulation adds variables and rows one by one; building HiGHS's own modelling objects
for thousands of coefficients is slow in Python, so rows are collected here as plain lists
and passed to HiGHS in one `passModel` call. Only `highspy` is used: OR-Tools and highspy
crash when imported into the same process.
"""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np

INF = highspy.kHighsInf

_STDOUT_LOCK = threading.Lock()


def _new_highs() -> highspy.Highs:
    """A silent HiGHS instance: nothing it says may reach daoshou's stdout.

    Some highspy releases (1.16) print a copyright banner from the constructor, straight to
    file descriptor 1 and before `output_flag` can be turned off; that breaks `--json`
    output and paints over the terminal app. So the constructor runs with descriptor 1
    pointed at the null device, and C's stdio buffers are flushed before it is restored
    (a buffered banner would otherwise leave later). The lock keeps the solver threads
    from restoring each other's descriptor; the terminal app is unaffected, as Textual
    draws on stderr.
    """
    with _STDOUT_LOCK:
        sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no descriptor 1 at all (a windowed process): nothing to protect
            return _quiet(highspy.Highs())
        sink = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(sink, 1)
            highs = _quiet(highspy.Highs())
            _flush_c_stdio()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(sink)
    return highs


def _quiet(highs: highspy.Highs) -> highspy.Highs:
    highs.setOptionValue("output_flag", False)
    return highs


def _flush_c_stdio() -> None:
    """fflush(NULL) in the C runtime, where one can be found; a no-op elsewhere."""
    try:
        libc = ctypes.CDLL(None) if os.name != "nt" else ctypes.cdll.msvcrt
        libc.fflush(None)
    except (OSError, AttributeError):
        pass


@dataclass(frozen=True)
class Solution:
    """What one HiGHS run found.

    `status` is "optimal" (proven), "feasible" (a plan, not proven: see `bound`),
    "unknown" (stopped before finding any plan; `bound` still holds) or "infeasible".
    `objective` is the best plan's objective and `bound` the proven lower bound on any
    plan's objective.
    """

    status: str
    values: tuple[float, ...]
    objective: float
    bound: float
    seconds: float
    #: True when the solve was ended from outside at its deadline (`planner.milp.solver_child`):
    #: the values and bound are the last ones HiGHS reported before it was stopped.
    stopped: bool = False


#: `found(values, objective, bound)`: an improving solution, with the bound at that time.
Found = Callable[[Sequence[float], float, float], None]


@dataclass(frozen=True)
class Request:
    """One solve as plain data (arrays, numbers): it pickles, so a child process can run
    it (`planner.milp.solver_child`). `arrays` hold the columns' costs, bounds and integrality
    and the rows' bounds and coefficients, row by row."""

    arrays: dict[str, np.ndarray]
    offset: float
    time_limit: float
    gap: float = 0.0
    start: dict[int, float] = field(default_factory=dict)
    cutoff: float | None = None
    #: HiGHS's presolve (`Model.request`).
    presolve: bool = False

    def lp(self) -> highspy.HighsLp:
        """The model as HiGHS takes it, in one piece."""
        a = self.arrays
        lp = highspy.HighsLp()
        lp.num_col_ = len(a["cost"])
        lp.num_row_ = len(a["row_lower"])
        lp.offset_ = self.offset
        lp.col_cost_ = a["cost"]
        lp.col_lower_ = a["lower"]
        lp.col_upper_ = a["upper"]
        lp.row_lower_ = a["row_lower"]
        lp.row_upper_ = a["row_upper"]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = a["start"]
        lp.a_matrix_.index_ = a["index"]
        lp.a_matrix_.value_ = a["value"]
        kinds = highspy.HighsVarType
        lp.integrality_ = [kinds.kInteger if flag else kinds.kContinuous for flag in a["integer"]]
        return lp


def run(
    request: Request, found: Found | None = None, bound: Callable[[float], None] | None = None
) -> Solution:
    """Run HiGHS on `request` here. `found` hears of every improving solution; `bound` of
    the proven bound whenever HiGHS checks in between its steps and it has risen."""
    highs = _new_highs()
    highs.setOptionValue("time_limit", max(request.time_limit, 0.01))
    highs.setOptionValue("mip_rel_gap", request.gap)
    # Objectives are whole cents, less half a cent per wishlist item added: any two plans
    # differ by at least 0.005, so a gap below that proves the optimum.
    highs.setOptionValue("mip_abs_gap", 0.004)
    highs.setOptionValue("random_seed", 7)
    highs.setOptionValue("threads", 1)
    if request.cutoff is not None:
        highs.setOptionValue("objective_bound", request.cutoff)
    highs.setOptionValue("presolve", "on" if request.presolve else "off")
    highs.passModel(request.lp())
    if found is not None:
        highs.cbMipImprovingSolution.subscribe(
            lambda event: found(
                event.data_out.mip_solution.tolist(),
                event.data_out.objective_function_value,
                event.data_out.mip_dual_bound,
            )
        )
    if bound is not None:
        highest = [-math.inf]

        def _checked_in(event: Any) -> None:
            if event.data_out.mip_dual_bound > highest[0]:
                highest[0] = event.data_out.mip_dual_bound
                bound(highest[0])

        highs.cbMipInterrupt.subscribe(_checked_in)
    if request.start:
        began = time.perf_counter()
        completed = _completed(request)
        left = request.time_limit - (time.perf_counter() - began)
        highs.setOptionValue("time_limit", max(left, 0.01))
        if completed is not None:
            index = np.arange(len(completed), dtype=np.int32)
            highs.setSolution(len(completed), index, np.array(completed))
    highs.run()
    return _result(highs)


def _completed(request: Request) -> Sequence[float] | None:
    """`request.start` completed to a value for every variable, or None if it cannot be.

    HiGHS completes a partial start itself, by solving the model with the start's
    variables fixed, but inside the solve the caller watches: that solve's bound,
    reported through the callbacks, holds only for plans that keep the start's
    assignment (a 20-item cart: 2011.20 reported, the optimum 1871.96). A complete start
    leaves HiGHS nothing to complete."""
    arrays = dict(request.arrays)
    lower, upper = arrays["lower"].copy(), arrays["upper"].copy()
    for index, value in request.start.items():
        lower[index] = upper[index] = value
    arrays.update(lower=lower, upper=upper)
    fixed = replace(request, arrays=arrays, gap=0.0, start={}, cutoff=None, presolve=True)
    return run(fixed).values or None


class Model:
    """A minimisation MILP built column by column and row by row."""

    def __init__(self) -> None:
        self._lower: list[float] = []
        self._upper: list[float] = []
        self._cost: list[float] = []
        self._integer: list[bool] = []
        self._row_lower: list[float] = []
        self._row_upper: list[float] = []
        self._row_start: list[int] = [0]
        self._row_index: list[int] = []
        self._row_value: list[float] = []
        self.offset = 0.0
        self._cents: list[int] = []

    @property
    def num_vars(self) -> int:
        """How many variables the model has."""
        return len(self._cost)

    @property
    def num_rows(self) -> int:
        """How many constraints the model has."""
        return len(self._row_lower)

    def var(
        self, lower: float = 0.0, upper: float = INF, cost: float = 0.0, integer: bool = False
    ) -> int:
        """Add a variable and return its index."""
        self._lower.append(lower)
        self._upper.append(upper)
        self._cost.append(cost)
        self._integer.append(integer)
        return len(self._cost) - 1

    def cents(self, most: float) -> int:
        """A whole number of cents, at most `most` (money): integral where the model must
        round exactly as the engine does, continuous once `relax_cents` is called."""
        index = self.var(0.0, math.floor(most * 100 + 0.5 + 1e-9), integer=True)
        self._cents.append(index)
        return index

    def relax_cents(self) -> None:
        """Let every cent counter take any value: a relaxation by at most half a cent per
        counter, which spares the solver branching on cents where no proof to the cent is
        sought (measured: pricing problems 20-40% faster)."""
        for index in self._cents:
            self._integer[index] = False

    def binary(self, cost: float = 0.0) -> int:
        """Add a 0/1 variable."""
        return self.var(0.0, 1.0, cost, integer=True)

    def upper_bound(self, index: int) -> float:
        """A variable's upper bound."""
        return self._upper[index]

    def add_cost(self, index: int, cost: float) -> None:
        """Add `cost` to a variable's objective coefficient."""
        self._cost[index] += cost

    def set_cost(self, index: int, cost: float) -> None:
        """Set a variable's objective coefficient."""
        self._cost[index] = cost

    def cost(self, index: int) -> float:
        """A variable's objective coefficient."""
        return self._cost[index]

    def row(self, terms: dict[int, float], lower: float = -INF, upper: float = INF) -> None:
        """Add `lower <= sum(coef * var) <= upper`; zero coefficients are dropped."""
        for index, value in terms.items():
            if value != 0.0:
                self._row_index.append(index)
                self._row_value.append(value)
        self._row_start.append(len(self._row_index))
        self._row_lower.append(lower)
        self._row_upper.append(upper)

    def solve(
        self,
        time_limit: float,
        gap: float = 0.0,
        start: dict[int, float] | None = None,
        found: Callable[[Sequence[float]], None] | None = None,
        cutoff: float | None = None,
    ) -> Solution:
        """Run HiGHS in this process; `gap` is the relative gap at which it may stop early.

        `start` may fix a few variables (a known plan's assignment); HiGHS completes it
        into a first incumbent, which prunes the search from the first node. `found` is
        called with the values of every improving solution HiGHS finds on the way. With a
        `cutoff`, only solutions below it are sought: "infeasible" then means none exists.
        """
        request = self.request(time_limit, gap, start, cutoff)
        return run(request, None if found is None else lambda values, _o, _b: found(values))

    def request(
        self,
        time_limit: float,
        gap: float = 0.0,
        start: dict[int, float] | None = None,
        cutoff: float | None = None,
        zero: Sequence[int] = (),
        relaxed: bool = False,
        presolve: bool = False,
    ) -> Request:
        """The model and what a solve asks of HiGHS, as plain data (`Model.solve`). The
        variables in `zero` are fixed at 0 (a neighbourhood of the model), with presolve
        on to take them out; `relaxed` asks for the LP relaxation (none integral).

        `presolve` is HiGHS's own: it costs more than it saves on a model with one order
        per platform (proofs of the bench carts took 25-45% less time without it) and
        saves more than it costs with several (docs/optimiser.md, "Round 6")."""
        upper = np.array(self._upper, dtype=float)
        upper[list(zero)] = 0.0
        arrays = {
            "cost": np.array(self._cost, dtype=float),
            "lower": np.array(self._lower, dtype=float),
            "upper": upper,
            "row_lower": np.array(self._row_lower, dtype=float),
            "row_upper": np.array(self._row_upper, dtype=float),
            "start": np.array(self._row_start, dtype=np.int32),
            "index": np.array(self._row_index, dtype=np.int32),
            "value": np.array(self._row_value, dtype=float),
            "integer": np.array(self._integer, dtype=bool) & (not relaxed),
        }
        return Request(
            arrays,
            self.offset,
            time_limit,
            gap,
            dict(start or {}),
            cutoff,
            presolve=presolve or bool(zero),
        )

    def solve_lp(self) -> tuple[float, list[float]]:
        """Solve a model whose variables are all continuous: its optimum and the dual of
        each row (in HiGHS's sign: at most 0 on a binding `<=` row of a minimisation)."""
        highs = _new_highs()
        highs.setOptionValue("threads", 1)
        highs.passModel(self._lp())
        highs.run()
        return highs.getInfo().objective_function_value, list(highs.getSolution().row_dual)

    def _lp(self) -> highspy.HighsLp:
        return self.request(0.0).lp()


def _result(highs: highspy.Highs) -> Solution:
    status = highs.getModelStatus()
    info = highs.getInfo()
    seconds = highs.getRunTime()
    if status == highspy.HighsModelStatus.kInfeasible:
        return Solution("infeasible", (), math.inf, math.inf, seconds)
    if info.primal_solution_status != 2:  # stopped (time) before any solution
        bound = info.mip_dual_bound
        return Solution(
            "unknown", (), math.inf, bound if math.isfinite(bound) else -math.inf, seconds
        )
    values = tuple(highs.getSolution().col_value)
    objective = info.objective_function_value
    bound = info.mip_dual_bound
    proven = status == highspy.HighsModelStatus.kOptimal
    return Solution("optimal" if proven else "feasible", values, objective, bound, seconds)
