"""Benchmark: writing price history to the SQLite store, core bulk path against the ORM.

    .venv/bin/python bench/store.py [--rows 50000] [--checks 500]

Measures, in this one run, on fresh SQLite files in WAL mode:

- baseline: ORM `session.add_all` of Observation rows, one transaction;
- daoshou: `Repository.import_observations` (SQLAlchemy core executemany, one transaction);
- bulk path: `tracker.store.bulk.insert_many` (one DBAPI executemany of a statement compiled
  once, values encoded by the column types), then the listing's summary rebuilt, in one
  transaction: what a fresh store is filled with (`fill_fresh_store`);
- one check at a time: `Repository.record_check` (attempt + observation + validators in one
  `BEGIN IMMEDIATE` transaction each), as `daoshou run` writes them.

Prints rows per second and the ratio to the baseline.

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
import sys
import tempfile
import time
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

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


def orm_add_all(repository: Repository, rows: list[NewObservation]) -> float:
    started = time.perf_counter()
    with db.session_scope(repository.engine, write=True) as session:
        session.add_all(
            Observation(listing_id=1, **{k: getattr(r, k) for k in r.__dataclass_fields__})
            for r in rows
        )
    return time.perf_counter() - started


def core_import(repository: Repository, rows: list[NewObservation]) -> float:
    started = time.perf_counter()
    repository.import_observations(1, rows)
    return time.perf_counter() - started


def bulk_insert_many(repository: Repository, rows: list[NewObservation]) -> float:
    names = [f.name for f in fields(NewObservation)]
    started = time.perf_counter()
    plain = [{"listing_id": 1, **{n: getattr(r, n) for n in names}} for r in rows]
    with repository.engine.begin() as conn:
        for start in range(0, len(plain), 20_000):
            insert_many(conn, table_of(Observation), plain[start : start + 20_000])
        summary.rebuild(conn, [1])
    return time.perf_counter() - started


def one_check_at_a_time(repository: Repository, rows: list[NewObservation]) -> float:
    started = time.perf_counter()
    for i, row in enumerate(rows):
        repository.record_check(
            1,
            [NewFetchAttempt(status="ok", http_status=200)],
            row,
            validators=Validators(f'"{i}"', None),
        )
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--checks", type=int, default=500)
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
    with tempfile.TemporaryDirectory() as scratch:
        base = orm_add_all(fresh_repository(Path(scratch), "orm"), rows)
        core = core_import(fresh_repository(Path(scratch), "core"), rows)
        bulk = bulk_insert_many(fresh_repository(Path(scratch), "bulk"), rows)
        checks = one_check_at_a_time(fresh_repository(Path(scratch), "checks"), rows[: args.checks])
        db.dispose_engines()
    table = [
        ("ORM add_all (baseline)", args.rows, base),
        ("core import_observations", args.rows, core),
        ("bulk insert_many + summary rebuild", args.rows, bulk),
        ("record_check, one per transaction", args.checks, checks),
    ]
    base_rate = args.rows / base
    print(f"{'path':<36} {'rows':>7} {'seconds':>8} {'rows/s':>9} {'x baseline':>10}")
    for name, count, seconds in table:
        rate = count / seconds
        print(f"{name:<36} {count:>7} {seconds:>8.2f} {rate:>9.0f} {rate / base_rate:>10.2f}")


if __name__ == "__main__":
    main()
