"""Benchmark: writing price history to the SQLite store, core bulk path against the ORM.

    .venv/bin/python bench/store.py [--rows 50000] [--checks 500]

Measures, in this one run, on fresh SQLite files in WAL mode:

- baseline: ORM `session.add_all` of Observation rows, one transaction;
- daoshou: `Repository.import_observations` (SQLAlchemy core executemany, one transaction);
- one check at a time: `Repository.record_check` (attempt + observation + validators in one
  `BEGIN IMMEDIATE` transaction each), as `daoshou run` writes them.

Prints rows per second and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from tracker.store import db
from tracker.store.repository import Repository
from tracker.store.tables import Observation
from tracker.store.views import NewFetchAttempt, NewObservation, Validators

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
    args = parser.parse_args()
    rows = observations(args.rows)
    with tempfile.TemporaryDirectory() as scratch:
        base = orm_add_all(fresh_repository(Path(scratch), "orm"), rows)
        core = core_import(fresh_repository(Path(scratch), "core"), rows)
        checks = one_check_at_a_time(fresh_repository(Path(scratch), "checks"), rows[: args.checks])
        db.dispose_engines()
    table = [
        ("ORM add_all (baseline)", args.rows, base),
        ("core import_observations", args.rows, core),
        ("record_check, one per transaction", args.checks, checks),
    ]
    base_rate = args.rows / base
    print(f"{'path':<36} {'rows':>7} {'seconds':>8} {'rows/s':>9} {'x baseline':>10}")
    for name, count, seconds in table:
        rate = count / seconds
        print(f"{name:<36} {count:>7} {seconds:>8.2f} {rate:>9.0f} {rate / base_rate:>10.2f}")


if __name__ == "__main__":
    main()
