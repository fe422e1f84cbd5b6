"""A held-out check: many new hostile pages, carts and URLs, run through daoshou as processes.

    .venv/bin/python bench/hostile.py [--count 200] [--seed 13] [--only deposit,url]

`bench/hostile_cases.py` makes the inputs (seeded, reproducible) by mutating and combining
the classes of hostile input: magnitudes, signs, exponents, deposits, unmarked
recommendation blocks, deep nesting, escapes in titles, stacked compression, bad URLs and
carts with huge numbers. Each one runs the way a user runs it, as a real process:
`daoshou extract PAGE --json`, `daoshou extract --url` and `daoshou add` + one `daoshou
check` against a loopback server, `daoshou add URL`, and `daoshou plan CART`.

Printed per class: cases, wrong prices (a price outside what an honest answer allows),
presale deposits not recorded (missed: recall, not a wrong price),
tracebacks (on stderr, or more than one line of error), runs stopped (a timeout, a kill by
a signal, a check that left a listing without an attempt), raw terminal escapes printed,
and the worst peak RSS (limit 300 MB) and CPU seconds (limit 10 s) of one process, from
the kernel's own accounting of that child (`os.wait4`). Offending inputs are written to
`--keep DIR` for a fixture file and a test.
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_cases import GENERATORS, Case

DAOSHOU = Path(sys.executable).parent / "daoshou"
PEAK_MB, CPU_S, WALL_S = 300, 10.0, 120.0
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")


@dataclass
class Run:
    """One process: exit status, output and the kernel's accounting of it."""

    code: int
    out: str
    err: str
    rss_mb: float
    cpu_s: float
    timed_out: bool


def run(argv: list[str], env: dict[str, str], stdin: str | None = None) -> Run:
    """Run `argv`, reaping it with `os.wait4` so its own peak RSS and CPU are known."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        timer = threading.Timer(WALL_S, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            proc.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
            usage.ru_utime + usage.ru_stime,
            proc.returncode == -signal.SIGKILL,
        )


class Tally:
    """Counts per class."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, float]] = defaultdict(
            lambda: dict.fromkeys(
                ("cases", "wrong", "missed", "traceback", "stopped", "raw", "rss", "cpu"), 0
            )
        )
        self.offenders: list[tuple[str, str, Case, str]] = []

    def see(self, case: Case, result: Run, problem: str | None = None, what: str = "") -> None:
        row = self.rows[case.cls]
        row["cases"] += 1
        row["rss"] = max(row["rss"], result.rss_mb)
        row["cpu"] = max(row["cpu"], result.cpu_s)
        flaws = []
        if problem:
            row["missed" if problem.startswith("presale") else "wrong"] += 1
            flaws.append(problem)
        if "Traceback" in result.err or len(result.err.strip().splitlines()) > 1:
            row["traceback"] += 1
            flaws.append("traceback: " + result.err.strip().splitlines()[-1][:120])
        if result.timed_out or result.code < 0:
            row["stopped"] += 1
            flaws.append(f"stopped (exit {result.code})")
        if any(mark in result.out + result.err for mark in RAW):
            row["raw"] += 1
            flaws.append("raw escape printed")
        if result.rss_mb > PEAK_MB or result.cpu_s > CPU_S:
            flaws.append(f"{result.rss_mb:.0f} MB, {result.cpu_s:.1f} s CPU")
        if flaws:
            self.offenders.append((case.cls, what, case, "; ".join(flaws)))

    def stopped(self, cls: str, count: int) -> None:
        self.rows[cls]["stopped"] += count

    def print(self) -> None:
        print(f"{'class':<22}{'cases':>6}{'wrong':>6}{'missed':>7}{'trace':>6}{'stop':>6}", end="")
        print(f"{'raw':>5}{'peak MB':>9}{'CPU s':>7}")
        for cls, row in sorted(self.rows.items()):
            counts = f"{row['cases']:>6.0f}{row['wrong']:>6.0f}{row['missed']:>7.0f}"
            counts += "".join(f"{row[k]:>6.0f}" for k in ("traceback", "stopped"))
            print(f"{cls:<22}{counts}{row['raw']:>5.0f}{row['rss']:>9.0f}{row['cpu']:>7.2f}")
        for cls, what, case, flaw in self.offenders[:40]:
            print(f"  {cls} {what} [{case.note!r}]: {flaw}")


def judge(case: Case, document: dict[str, object]) -> str | None:
    """Why a printed verdict is wrong for `case`, or None when it is honest."""
    raw = document.get("price")
    try:
        price = None if raw is None else Decimal(str(raw))
    except InvalidOperation:
        return f"unreadable price {raw!r}"
    if price is None and not document.get("reason"):
        return "no price and no reason"
    if price not in case.allowed:
        return f"price {price} (allowed {sorted(map(str, case.allowed))})"
    if case.deposit is not None:
        stated = [p for p in document.get("promotions") or [] if p.get("field") == "presale"]
        if not any(p["value"].get("deposit") == case.deposit for p in stated):
            return f"presale deposit {case.deposit} not recorded"
    return None


def check_page(case: Case, workdir: Path, env: dict[str, str], tally: Tally, index: int) -> None:
    path = workdir / f"page-{index}.html"
    path.write_text(str(case.body), encoding="utf-8", errors="surrogatepass")
    argv = [str(DAOSHOU), "extract", str(path), "--url", "https://shop.example/item/1"]
    result = run([*argv, "--json"], env)
    problem = None
    if result.code == 0:
        try:
            problem = judge(case, json.loads(result.out))
        except ValueError:
            problem = "stdout is not one JSON value"
    tally.see(case, result, problem, path.name)
    if case.cls == "title":
        tally.see(case, run(argv, env), None, path.name + " (text)")


def check_cart(case: Case, workdir: Path, env: dict[str, str], tally: Tally, index: int) -> None:
    path = workdir / f"cart-{index}.toml"
    path.write_text(str(case.body), encoding="utf-8")
    result = run([str(DAOSHOU), "plan", str(path), "--today", "2026-11-21", "--json"], env)
    tally.see(case, result, None, path.name)


def check_url(case: Case, env: dict[str, str], tally: Tally) -> None:
    url = str(case.body)
    tally.see(case, run([str(DAOSHOU), "add", url, "--product", "P", "--json"], env), None, "add")
    tally.see(case, run([str(DAOSHOU), "extract", url, "--json"], env), None, "extract")


class Pages(http.server.BaseHTTPRequestHandler):
    """Serves the cases by index (`/item/N`); anything else is a 404 (robots.txt too)."""

    cases: ClassVar[list[Case]] = []

    def do_GET(self) -> None:
        try:
            case = self.cases[int(self.path.rsplit("/", 1)[-1].split("?")[0])]
        except (ValueError, IndexError):
            self.send_error(404)
            return
        body = case.body if isinstance(case.body, bytes) else case.body.encode()
        self.send_response(200)
        for name, value in case.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def check_served(cases: list[Case], env: dict[str, str], tally: Tally) -> None:
    """`extract --url` on each, then `add` all and one `check` of them all."""
    Pages.cases = cases
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/item/"
    try:
        for n, case in enumerate(cases):
            result = run([str(DAOSHOU), "extract", f"{base}{n}", "--json"], env)
            problem = judge(case, json.loads(result.out)) if result.code == 0 else None
            tally.see(case, result, problem, f"extract --url {n}")
            run([str(DAOSHOU), "add", f"{base}{n}", "--product", f"P{n}", "--json"], env)
        checked = run([str(DAOSHOU), "check", "--json"], env)
        tally.see(Case("check (one run)", "served", b""), checked, None, "check")
        listed = run([str(DAOSHOU), "list", "--json"], env)
        _judge_listings(cases, base, json.loads(listed.out or "[]"), tally)
    finally:
        server.shutdown()


def _judge_listings(cases: list[Case], base: str, statuses: list[dict], tally: Tally) -> None:
    """Every listing checked (an attempt recorded) and no stored price outside `allowed`."""
    for status in statuses:
        url = str(status["listing"]["url"])
        if not url.startswith(base):
            continue
        case = cases[int(url.rsplit("/", 1)[-1])]
        if not status.get("last_attempt") and not status.get("latest"):
            tally.stopped(case.cls, 1)
            tally.offenders.append((case.cls, url, case, "no attempt recorded by check"))
        raw = (status.get("latest") or {}).get("price")
        if raw is not None and Decimal(str(raw)) not in case.allowed:
            tally.rows[case.cls]["wrong"] += 1
            tally.offenders.append((case.cls, url, case, f"stored price {raw}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="inputs in all (default 200)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--only", default="", help="comma-separated classes")
    parser.add_argument("--keep", type=Path, help="write the offending inputs here")
    args = parser.parse_args()
    names = [n for n in GENERATORS if not args.only or n in args.only.split(",")]
    rng = random.Random(args.seed)
    cases = [GENERATORS[names[i % len(names)]](rng) for i in range(args.count)]
    tally = Tally()
    started = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        (workdir / "home" / "config").mkdir(parents=True)
        (workdir / "home" / "config" / "settings.toml").write_text(
            "[fetch]\nmin_delay_seconds = 0\n"
        )
        env = {**os.environ, "DAOSHOU_HOME": str(workdir / "home"), "NO_COLOR": "1"}
        env.pop("DAOSHOU_DATABASE_URL", None)
        for index, case in enumerate(cases):
            if case.kind == "page":
                check_page(case, workdir, env, tally, index)
            elif case.kind == "cart":
                check_cart(case, workdir, env, tally, index)
            elif case.kind == "url":
                check_url(case, env, tally)
        check_served([c for c in cases if c.kind == "served"], env, tally)
        if args.keep:
            _keep(args.keep, tally)
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    print(f"seed {args.seed}, {len(cases)} inputs, {wall:.0f} s wall ({cpu:.1f} s CPU here)")
    tally.print()


def _keep(directory: Path, tally: Tally) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for n, (cls, _, case, _) in enumerate(tally.offenders):
        suffix = {"cart": ".toml", "url": ".txt"}.get(case.kind, ".html")
        body = (
            case.body
            if isinstance(case.body, bytes)
            else case.body.encode("utf-8", "surrogatepass")
        )
        (directory / f"{cls}-{n}{suffix}").write_bytes(body)


if __name__ == "__main__":
    main()
