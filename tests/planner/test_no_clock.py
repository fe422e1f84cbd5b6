"""The planner never reads the wall clock or the time zone: "today" is an argument.

A plan, a forecast or a payment date that depends on the day the code runs makes tests
pass on one day and fail on the next, and makes the app's fixed clock a lie. Durations
(`time.perf_counter`, `time.monotonic`) are allowed: they bound how long a solve runs.
"""

import ast
from pathlib import Path

PLANNER = Path(__file__).resolve().parents[2] / "planner"

# module.attribute pairs that read the wall clock or the local time zone
CLOCK_READS = {
    ("date", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
    ("time", "strftime"),
    ("time", "timezone"),
    ("time", "tzname"),
}
CLOCK_NAMES = {"tzlocal", "localtime"}


def _clock_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name | ast.Attribute):
            owner = node.value.attr if isinstance(node.value, ast.Attribute) else node.value.id
            if (owner, node.attr) in CLOCK_READS:
                found.append(f"{path.name}:{node.lineno}: {owner}.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module in {"time", "tzlocal"}:
            names = {alias.name for alias in node.names} - {"perf_counter", "monotonic"}
            if names:
                found.append(f"{path.name}:{node.lineno}: from {node.module} import {names}")
        elif isinstance(node, ast.Import) and any(a.name in CLOCK_NAMES for a in node.names):
            found.append(f"{path.name}:{node.lineno}: import of a time-zone reader")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "astimezone"
            and not node.args
        ):
            found.append(f"{path.name}:{node.lineno}: astimezone() reads the local zone")
    return found


def test_the_planner_never_reads_the_clock():
    reads = [read for path in sorted(PLANNER.rglob("*.py")) for read in _clock_reads(path)]
    assert reads == []


def test_the_check_sees_a_clock_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime, time\nfrom datetime import date\n"
        "a = date.today()\nb = datetime.datetime.now()\nc = time.time()\nd = x.astimezone()\n"
    )
    assert len(_clock_reads(sample)) == 4
