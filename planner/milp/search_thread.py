"""The local search (`Search.improve`) in a thread beside HiGHS's child process.

Past `planner.optimise.COLUMNS_MAX_ITEMS` items no column generation runs beside the
model, and while HiGHS solves in its child this process only waits for its reports: one
core idle. With presolve on, HiGHS's bound on a 100-item cart is within 0.5% of the best
plans after 1-2 s of CPU, and what keeps a solve going is its search for a plan that
close (docs/optimiser.md, "Round 6"), which single item moves find faster. So the local
search runs here meanwhile, from the best plan and then from each plan HiGHS reports,
and the optimiser stops HiGHS as soon as the best priced plan is within the gap asked of
the bound HiGHS has reported (`planner.milp.solver_child.Child.solve`).
"""

from __future__ import annotations

import threading
import time

from planner.milp.search import Search

#: How long the thread waits for HiGHS to report a new plan to search from once it has
#: searched from every plan it knows.
IDLE_WAIT = 0.05


class SearchThread:
    """`Search.improve` repeated in a thread until `finish`: from each new best plan,
    which is then merged (`Search.merge_orders`), and from each plan HiGHS reports. It
    changes the best plan only under the search's lock; the caller's thread may price
    plans meanwhile."""

    def __init__(self, search: Search, slots: dict[str, int], deadline: float) -> None:
        self._search = search
        self._slots = slots
        self._deadline = deadline
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="daoshou-search", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            search, stopped = self._search, self._stop.is_set
            while not stopped() and time.perf_counter() < self._deadline:
                # the best plan first, merged at once: the optimiser merges its final plan
                # anyway, and each merge is a full pricing; then the other starts
                worked = search.improve(self._slots, self._deadline, stopped, wide=False)
                worked = search.merge_orders(self._deadline, stopped) or worked
                if not worked and not search.improve(self._slots, self._deadline, stopped):
                    self._stop.wait(IDLE_WAIT)
        except BaseException as error:  # re-raised on the caller's thread by finish()
            self._error = error

    def finish(self) -> None:
        """Stop the search (a pricing under way is given up within
        `planner.milp.search.STOP_POLL`) and wait for the thread; again, nothing."""
        self._stop.set()
        self._thread.join()
        error, self._error = self._error, None
        if error is not None:
            raise error
