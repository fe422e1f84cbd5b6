"""Long computations in a child process the app can abandon at any moment.

A forecast run fits Prophet models for minutes. In a thread it cannot be stopped: quitting
would wait for it (16-20 s of a blank terminal). In a child process it can: the thread
worker that waits for the child checks `is_cancelled` between short polls and terminates
the child, and the app terminates every child still running when it exits, so quitting
takes no longer than a poll.

The child is spawned (never forked from a process running an event loop and threads) and
its standard streams point at the null device: nothing it or its libraries print reaches
the app's terminal. The work is a top-level function (so a spawned child can import it)
taking plain values; a `DaoshouError` it raises comes back as one of the same message.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from planner.errors import DaoshouError

R = TypeVar("R")

POLL_SECONDS = 0.05  # how often the waiting thread looks at its worker's cancel flag
_children: set[subprocess.Popen[bytes]] = set()
_children_lock = threading.Lock()


class WorkAbandoned(Exception):
    """The work was cancelled (the app quits, or newer work superseded it)."""


class ChildFailed(DaoshouError):
    """The child process stopped without an answer (killed, or out of memory)."""


def run_in_child(fn: Callable[..., R], *args: Any, cancelled: Callable[[], bool]) -> R:
    """`fn(*args)` in a child process; WorkAbandoned as soon as `cancelled()` is true.

    A plain subprocess rather than `multiprocessing`: the app has replaced `sys.stderr`
    (which multiprocessing's spawn hands to its helper), and pipes we own are all it needs.
    """
    child = subprocess.Popen(
        [sys.executable, "-m", "tui.background"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    with _children_lock:
        _children.add(child)
    try:
        answer = _wait(child, pickle.dumps((fn, args)), cancelled)
    finally:
        _stop(child)
    result: R = _unpack(answer, child.returncode, cancelled)  # what `fn` returned
    return result


def terminate_all() -> int:
    """Terminate every child still running (the app is exiting); returns how many."""
    with _children_lock:
        running = list(_children)
    for child in running:
        _stop(child)
    return len(running)


def running_children() -> int:
    """How many children are running now."""
    with _children_lock:
        return sum(1 for child in _children if child.poll() is None)


def _wait(child: subprocess.Popen[bytes], request: bytes, cancelled: Callable[[], bool]) -> bytes:
    payload: bytes | None = request
    while True:
        if cancelled():
            raise WorkAbandoned
        try:
            out, _ = child.communicate(payload, timeout=POLL_SECONDS)
            return out
        except subprocess.TimeoutExpired:
            payload = None  # sent already: later calls only wait
        except (OSError, ValueError):  # terminated by `terminate_all` meanwhile
            return b""


def _unpack(answer: bytes, code: int | None, cancelled: Callable[[], bool]) -> Any:
    if not answer:
        if cancelled():
            raise WorkAbandoned
        raise ChildFailed(
            f"the background computation stopped without an answer (exit code {code})",
            "try again; see daoshou.log if it keeps happening",
            zh=(
                f"后台计算没有给出结果就停止了（退出码 {code}）",
                "再试一次；如果反复出现，查看 daoshou.log",
            ),
        )
    ok, value = pickle.loads(answer)
    if not ok:
        message, hint, zh = value
        raise DaoshouError(message, hint, zh=zh)
    return value


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(1.0)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    with _children_lock:
        _children.discard(child)


def _child_main() -> None:
    """In the child: read the work, silence the standard streams, run, answer."""
    fn, args = pickle.loads(sys.stdin.buffer.read())
    answer = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        result: tuple[bool, Any] = (True, fn(*args))
    except DaoshouError as exc:
        result = (False, (exc.message, exc.hint, exc.zh))
    except Exception as exc:  # the parent's one failure handler shows it
        text = f"{type(exc).__name__}: {exc}"  # a programming error: its own words
        result = (False, (text, "see daoshou.log", (text, "见 daoshou.log")))
    with answer:
        answer.write(pickle.dumps(result))


if __name__ == "__main__":
    _child_main()
