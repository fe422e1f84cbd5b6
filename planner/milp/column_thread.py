"""Column generation (`planner.milp.columns`) in a thread beside the compact model.

With several orders per platform the compact model's bound is the bottleneck, so for
carts of at most `planner.optimise.COLUMNS_MAX_ITEMS` items the optimiser runs column
generation over whole orders in a second thread (docs/optimiser.md, "Column generation
beside the model").
"""

from __future__ import annotations

import math
import threading
from decimal import ROUND_FLOOR, Decimal

from planner.cost import PricedCart
from planner.milp.columns import Column, ColumnSearch, Duals
from planner.milp.search import TOLERANCE, Search

#: With several orders per platform, the share of the time limit column generation keeps
#: at its end to solve its master as an integer programme (a plan from its orders).
COLUMNS_RESERVE = 0.1


class ColumnThread:
    """Column generation (`planner.milp.columns`) in a thread beside the compact model:
    HiGHS releases the GIL, so on two cores both advance. It reads the best plan (to seed
    its orders) but changes the search only in `finish`, back on the caller's thread: its
    bound raises the search's, and its plan is priced like any other."""

    def __init__(
        self,
        search: Search,
        slots: dict[str, int],
        deadline: float,
        time_limit: float,
        gap: float,
    ) -> None:
        self._search = search
        self._gap = gap
        self._columns = ColumnSearch(search.problem, slots)
        naive = search.naive_plan()
        priced = search.priced(naive)
        self._naive = search.orders(naive, priced)
        self._seen: object = None
        self._orders: list[Column] = []
        self._error: BaseException | None = None
        start = self._duals(priced)
        self._thread = threading.Thread(
            target=self._run,
            args=(start, deadline, COLUMNS_RESERVE * time_limit),
            name="daoshou-columns",
            daemon=True,
        )
        self._thread.start()

    def _run(self, start: Duals, deadline: float, reserve: float) -> None:
        try:
            self._columns.run(start, self._best, self._enough, deadline, reserve)
        except BaseException as error:  # re-raised on the caller's thread by finish()
            self._error = error

    def _duals(self, priced: PricedCart) -> Duals:
        """Duals from a priced plan: each item at its in-hand price."""
        optional = [item.optional for item in self._search.problem.items]
        return Duals(self._search.in_hand(priced), {}, {}, optional)

    def _best(self) -> tuple[list[Column], Duals | None]:
        """The naive plan's orders and the best plan's; the best plan's in-hand prices if it
        is new since the last call."""
        found = self._search.best
        if found is None or found is self._seen:
            return self._naive + self._orders, None
        self._seen, self._orders = found, self._search.orders(found[2], found[1])
        return self._naive + self._orders, self._duals(found[1])

    def _enough(self, bound: float) -> bool:
        best = self._search.best_objective
        if best.is_infinite() or not math.isfinite(bound):  # no plan, or no bound yet
            return False
        allowed = max(TOLERANCE, Decimal(repr(self._gap)) * abs(best))
        return best - _floor(bound) <= allowed

    def finish(self) -> None:
        """Wait for the thread (asked to stop at once if the plan is already good enough),
        then take its bound and price its plan."""
        if self._search.close_enough(self._gap):
            self._columns.stop()
        self._thread.join()
        if self._error is not None:
            raise self._error
        if math.isfinite(self._columns.bound):
            self._search.bound = max(self._search.bound, _floor(self._columns.bound))
        if self._columns.plan is not None:
            self._search.consider(self._columns.plan, None)


def _floor(bound: float) -> Decimal:
    """A float bound as a Decimal a tenth of a cent lower: the solver's tolerances must
    never make it claim more than it proved."""
    return Decimal(repr(bound)).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR) - Decimal("0.001")
