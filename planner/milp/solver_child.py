"""HiGHS in a child process, so that a time limit is a promise.

HiGHS reads its clock only between its own steps, and one step of the root work on a
200-item cart in three orders per platform takes 2-2.5 s of CPU (3.5 s on some carts):
on a loaded machine that is many seconds of wall time past the limit, and no callback
can end it sooner (docs/optimiser.md, "Round 3"). A process can be ended at any moment.
So a `Child` runs the solves in a process of its own, which streams every improving
solution and every rise of the proven bound back through a pipe as HiGHS reports them;
at the deadline the parent kills the child and keeps the last of each. Killing loses
nothing that was reported: a solution is a plan the engine prices afterwards, and a
bound HiGHS reported is proven whatever happens next.

The child is a fresh interpreter (`python -m planner.milp.solver_child`), not `multiprocessing`:
its fork server and spawn run the caller's main module again in every child (a script
without a main guard would start itself over), and forking the caller would copy its
threads' locks (the column generation thread, the terminal app's). A fresh interpreter
costs 0.2 s of CPU to import HiGHS, so the optimiser starts it before it builds the
model, one per optimisation, and sends it every round's solve. It is reaped on every
path out (`Child.close`, a context manager): the deadline, an error, KeyboardInterrupt.
A child whose parent dies first ends at its next report, which finds the pipe closed
(HiGHS reports its bound each time it checks in between steps), or at HiGHS's own
limit. Requests and reports are pickles over pipes this process created for its own
child: nothing else can write to them.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType

from planner.milp.solver import Request, Solution, run

#: HiGHS in the child is asked to stop this long before the parent's deadline, so that
#: when it ends by its own clock its final solution and bound arrive before the kill.
MARGIN = 0.05

#: `found(values, objective, bound)`; answering True ends the solve at once (the caller
#: has what it needs), as the deadline does.
Found = Callable[[Sequence[float], float, float], bool | None]
#: `enough(bound)`: whether the caller's best plan is already close enough to the bound
#: HiGHS has reported; True ends the solve as the deadline does. Asked at every report
#: and every `POLL` seconds between them (the caller's plan may improve meanwhile).
Enough = Callable[[float], bool]

#: How often `enough` is asked while the child is silent.
POLL = 0.05


class SolverFailed(Exception):
    """The child process failed or died before answering: a programming or resource
    error (out of memory), not something the shopper can act on."""


def available() -> bool:
    """Whether children can be started here: pipes handed to a child by descriptor
    (`pass_fds`) are POSIX only; elsewhere the optimiser solves in its own process."""
    return os.name == "posix"


class Child:
    """A solver process, started at once (its imports overlap the caller's work) and used
    for any number of solves; one stopped at its deadline is killed, and the next solve
    starts another (the wishlist suggestions run an optimisation per candidate)."""

    def __init__(self) -> None:
        self._start()

    def _start(self) -> None:
        to_child, self._requests = os.pipe()
        self._reports, from_child = os.pipe()
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([root, *sys.path]))
        try:
            self._process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "planner.milp.solver_child",
                    str(to_child),
                    str(from_child),
                ],
                pass_fds=(to_child, from_child),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        finally:
            os.close(to_child)
            os.close(from_child)
        self._send = Connection(self._requests, readable=False)
        self._receive = Connection(self._reports, writable=False)
        self._cpu = 0.0
        self._sender: threading.Thread | None = None

    def __enter__(self) -> Child:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def pid(self) -> int:
        """The child's process id."""
        return self._process.pid

    @property
    def exit_code(self) -> int | None:
        """How the child ended (negative: killed by that signal), or None while it runs."""
        return self._process.returncode

    @property
    def alive(self) -> bool:
        """Whether the current process runs and can take a solve without a new start."""
        return self._process.poll() is None and not self._send.closed

    def solve(
        self,
        request: Request,
        deadline: float,
        found: Found | None = None,
        enough: Enough | None = None,
    ) -> Solution:
        """Solve `request`; stop at `deadline` (a `time.perf_counter()` reading) whatever
        HiGHS is doing, or once `found` or `enough` says so. Stopped, the answer is the
        last solution the child reported ("feasible", or "unknown" without one) and the
        last bound, with `stopped` set, and the process is gone (a later solve starts a
        new one)."""
        if not self.alive:
            self.close()
            self._start()
        left = deadline - time.perf_counter()
        request = replace(request, time_limit=min(request.time_limit, left - MARGIN))
        # Sent from a thread: a request is larger than a pipe's buffer, and a child that
        # gets no CPU would block this one past its deadline. Killing the child ends it.
        self._sender = threading.Thread(
            target=self._deliver, args=((request, time.monotonic()),), daemon=True
        )
        self._sender.start()
        solution = self._listen(deadline, found, enough)
        if solution.stopped:
            self.close()
        return solution

    def _deliver(self, message: tuple[Request, float]) -> None:
        with contextlib.suppress(OSError):  # the child died: `_listen` reports it
            self._send.send(message)

    def _listen(self, deadline: float, found: Found | None, enough: Enough | None) -> Solution:
        """Read the child's reports until its answer, or until the deadline, `found` or
        `enough` says stop; then the last reported solution and bound."""
        values: Sequence[float] = ()
        objective, bound = float("inf"), -float("inf")
        while True:
            left = max(deadline - time.perf_counter(), 0.0)
            wait = left if enough is None else min(left, POLL)
            if not self._receive.poll(wait):
                if wait >= left or (enough is not None and enough(bound)):
                    break  # the deadline, or close enough
                continue
            try:
                kind, self._cpu, rss, *message = self._receive.recv()
            except EOFError:
                raise SolverFailed(self._ended()) from None
            _PEAK_RSS[0] = max(_PEAK_RSS[0], rss)
            if kind == "done":
                answer: Solution = message[0]
                return answer
            if kind == "error":
                raise SolverFailed(f"the solver process failed: {message[0]}")
            bound = max(bound, message[-1])
            if kind == "found":
                values, objective = message[0], message[1]
                if found is not None and found(values, objective, message[2]):
                    break
            if enough is not None and enough(bound):
                break
        status = "feasible" if values else "unknown"
        return Solution(status, tuple(values), objective, bound, 0.0, stopped=True)

    def _ended(self) -> str:
        self.close()
        return f"the solver process ended without an answer (exit code {self._process.returncode})"

    def close(self) -> None:
        """Kill the process if it still runs and wait for it: none outlives the
        optimisation. Its CPU time (the last it reported, or the system's count just
        before the kill) is added to `children_cpu`."""
        if self._send.closed:
            return
        if self._process.poll() is None:
            self._cpu = max(self._cpu, _cpu_of(self._process.pid))
            self._process.kill()
        self._process.wait()
        if self._sender is not None:  # its write fails once the child is gone
            self._sender.join()
        self._send.close()
        self._receive.close()
        _SPENT[0] += self._cpu


def children_cpu() -> float:
    """The CPU seconds every solver child of this process has used so far:
    `time.process_time()` counts this process alone (benchmarks add the two)."""
    return _SPENT[0]


def children_peak_rss() -> int:
    """The largest peak resident memory (KiB on Linux) a solver child reported."""
    return _PEAK_RSS[0]


_SPENT = [0.0]
_PEAK_RSS = [0]


def _cpu_of(pid: int) -> float:
    """A live process's CPU seconds from /proc (Linux); 0 where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _serve(requests: Connection, reports: Connection) -> None:
    """The child: solve each request, reporting as HiGHS goes. HiGHS's own limit counts
    from when the parent sent the request (both read the system's monotonic clock)."""

    import resource  # POSIX only, as children are (`available`)

    def report(kind: str, *payload: object) -> None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        reports.send((kind, time.process_time(), peak, *payload))

    while True:
        try:
            request, sent_at = requests.recv()
        except EOFError:  # the parent closed the pipe: done
            return
        request = replace(request, time_limit=request.time_limit - (time.monotonic() - sent_at))
        try:
            solution = run(
                request,
                found=lambda values, objective, bound: report("found", values, objective, bound),
                bound=lambda bound: report("bound", bound),
            )
            report("done", solution)
        except (BrokenPipeError, ConnectionResetError):  # the parent has gone
            return
        except Exception as error:  # reported to the parent, which raises it
            report("error", f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    _serve(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
