"""Benchmark: writing price history to the SQLite store, core bulk path against the ORM.

    .venv/bin/python bench/store.py [--rows 50000] [--checks 500]

Measures, in this one run, on fresh SQLite files in WAL mode:

- baseline: ORM `session.add_all` of Observation rows, one transaction;
- core executemany: SQLAlchemy core `insert` with executemany in chunks of 1,000, then
  the listing's summary rebuilt, one transaction: `import-history` before it moved to the
  bulk path;
- daoshou: `Repository.import_observations` (`import-history`'s path: the bulk path in
  chunks of 1,000, then the summary rebuilt, one transaction);
- bulk path: `tracker.store.bulk.insert_many` (one DBAPI executemany of a statement compiled
  once, values encoded by the column types), then the listing's summary rebuilt, in one
  transaction: what a fresh store is filled with (`fill_fresh_store`);
- one check at a time: `Repository.record_check` (attempt + observation + validators in one
  `BEGIN IMMEDIATE` transaction each), as `daoshou run` writes them.

Each path runs `--repeat` times, the paths alternating so the machine's load falls on
all of them alike; prints the median wall and CPU seconds, rows per second and the
ratios to the baseline.

    .venv/bin/python bench/store.py --scale [--listings 10000] [--days 730] [--per-day 6]
    .venv/bin/python bench/store.py --full      # the same at 10,000 x 730 x 6: 44M rows
    .venv/bin/python bench/store.py --full --keep /tmp/daoshou-44m   # write once, read again

measures reading a big watchlist instead (`read_scale`): the store is written through the
bulk path (`bench/watchlist.py`), then, on it and on a baseline store of 1% of its
listings with the same history, in this one run: `list` (the listings' statuses, in
process), one listing's 2-year chart data (its daily roll-up), and the watchlist's first
paint from the start of a fresh process (the terminal app, headless). Targets (issue "a
big watchlist"): `list` under 200 ms, chart data under 20 ms, first paint under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import islice
from pathlib import Path

import sqlalchemy as sa

# Run as a script, bench/ would come first on sys.path and `bench/tui.py` would shadow the
# `tui` package: the project root takes its place.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from tracker.store import db, summary  # noqa: E402
from tracker.store.bulk import insert_many  # noqa: E402
from tracker.store.repository import Repository  # noqa: E402
from tracker.store.tables import Observation, table_of  # noqa: E402
from tracker.store.views import NewFetchAttempt, NewObservation, Validators  # noqa: E402

START = datetime(2024, 1, 1, tzinfo=UTC)


def observations(count: int) -> list[NewObservation]:
    return [
        NewObservation(
            price=Decimal(1000 + i % 500) / 100,
            currency="CNY",
            list_price=Decimal("19.90"),
            in_stock=True,
            title="维达抽纸 100抽×18包",
            source="import",
            observed_at=START + timedelta(hours=i),
        )
        for i in range(count)
    ]


def fresh_repository(scratch: Path, name: str) -> Repository:
    repository = Repository(db.open_engine(f"sqlite:///{scratch / name}.sqlite"))
    repository.add_listing("https://item.jd.com/100012043978.html", product="抽纸")
    return repository


Timing = tuple[float, float]  # wall seconds, CPU seconds


def timed(work: Callable[[], object]) -> Timing:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def orm_add_all(repository: Repository, rows: list[NewObservation]) -> Timing:
    def work() -> None:
        with db.session_scope(repository.engine, write=True) as session:
            session.add_all(
                Observation(listing_id=1, **{k: getattr(r, k) for k in r.__dataclass_fields__})
                for r in rows
            )

    return timed(work)


def core_executemany(repository: Repository, rows: list[NewObservation]) -> Timing:
    names = [f.name for f in fields(NewObservation)]

    def work() -> None:
        plain = ({"listing_id": 1, **{n: getattr(r, n) for n in names}} for r in rows)
        with db.session_scope(repository.engine, write=True) as session:
            while chunk := list(islice(plain, 1000)):
                session.execute(sa.insert(table_of(Observation)), chunk)
            summary.rebuild(session.connection(), [1])

    return timed(work)


def import_observations(repository: Repository, rows: list[NewObservation]) -> Timing:
    return timed(lambda: repository.import_observations(1, rows))


def bulk_insert_many(repository: Repository, rows: list[NewObservation]) -> Timing:
    names = [f.name for f in fields(NewObservation)]

    def work() -> None:
        plain = [{"listing_id": 1, **{n: getattr(r, n) for n in names}} for r in rows]
        with repository.engine.begin() as conn:
            for start in range(0, len(plain), 20_000):
                insert_many(conn, table_of(Observation), plain[start : start + 20_000])
            summary.rebuild(conn, [1])

    return timed(work)


def one_check_at_a_time(repository: Repository, rows: list[NewObservation]) -> Timing:
    def work() -> None:
        for i, row in enumerate(rows):
            repository.record_check(
                1,
                [NewFetchAttempt(status="ok", http_status=200)],
                row,
                validators=Validators(f'"{i}"', None),
            )

    return timed(work)


PATHS = {
    "ORM add_all (baseline)": orm_add_all,
    "core executemany + rebuild (before)": core_executemany,
    "import_observations (bulk + rebuild)": import_observations,
    "bulk insert_many + rebuild, 20k": bulk_insert_many,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", action="store_true", help="measure reading a big store")
    parser.add_argument("--full", action="store_true", help="--scale at 10,000 x 2 years")
    parser.add_argument("--listings", type=int, default=1_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--per-day", type=int, default=6)
    parser.add_argument(
        "--keep",
        type=Path,
        help="--scale: keep the stores in this directory, and read the ones already there"
        " (written by an earlier run with the same sizes) instead of writing them again",
    )
    args = parser.parse_args()
    if args.full:
        args.scale, args.listings, args.days, args.per_day = True, 10_000, 730, 6
    if args.scale:
        from bench.store_scale import read_scale

        read_scale(args.listings, args.days, args.per_day, keep=args.keep)
        return
    rows = observations(args.rows)
    runs: dict[str, list[Timing]] = {name: [] for name in [*PATHS, "record_check"]}
    with tempfile.TemporaryDirectory() as scratch:
        for n in range(args.repeat):
            for i, (name, path) in enumerate(PATHS.items()):
                runs[name].append(path(fresh_repository(Path(scratch), f"r{n}p{i}"), rows))
        checks = fresh_repository(Path(scratch), "checks")
        runs["record_check"].append(one_check_at_a_time(checks, rows[: args.checks]))
        db.dispose_engines()
    counts = {name: args.rows for name in PATHS} | {"record_check": args.checks}
    wall = {name: statistics.median(t[0] for t in timings) for name, timings in runs.items()}
    cpu = {name: statistics.median(t[1] for t in timings) for name, timings in runs.items()}
    base = "ORM add_all (baseline)"
    print(f"medians of {args.repeat} runs (record_check: 1), {args.rows} rows")
    print(
        f"{'path':<38} {'rows':>7} {'wall s':>7} {'CPU s':>7} {'rows/s':>9}"
        f" {'x base wall':>11} {'x base CPU':>10}"
    )
    for name in runs:
        rate, base_rate = counts[name] / wall[name], counts[base] / wall[base]
        cpu_ratio = (counts[name] / cpu[name]) / (counts[base] / cpu[base])
        print(
            f"{name:<38} {counts[name]:>7} {wall[name]:>7.2f} {cpu[name]:>7.2f} {rate:>9.0f}"
            f" {rate / base_rate:>11.2f} {cpu_ratio:>10.2f}"
        )


if __name__ == "__main__":
    main()
