"""Bulk writes into a fresh store: whole tables of plain rows, in one transaction.

The demo and the benchmarks write a catalogue, years of daily prices and a few alerts at
once. They go in with SQLAlchemy core inserts (one executemany per table, observations
in bounded batches), not the ORM: the demo must start in seconds and the benchmark writes
a million rows this way. Callers give rows as plain mappings keyed by column name and
assign the ids themselves, which is only sound on a fresh store; they never see a table
model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from tracker.store import summary
from tracker.store.tables import (
    AlertEvent,
    AlertRule,
    Listing,
    Observation,
    Product,
    Purchase,
    table_of,
)

Row = Mapping[str, Any]
_BATCH = 20_000  # observations per executemany: bounded memory for the million-row bench


@dataclass(frozen=True)
class FreshRows:
    """Everything a fresh store is filled with; `observations` may be a generator."""

    products: Sequence[Row]
    listings: Sequence[Row]
    observations: Iterable[Row]
    purchases: Sequence[Row] = ()
    alert_rules: Sequence[Row] = ()
    alert_events: Sequence[Row] = ()


def fill_fresh_store(engine: sa.Engine, rows: FreshRows) -> int:
    """Write `rows` in one transaction, parents before children, then the listings'
    summaries and daily roll-ups from their history; how many observations."""
    count = 0
    with engine.begin() as conn:
        _insert(conn, table_of(Product), rows.products)
        _insert(conn, table_of(Listing), rows.listings)
        for batch in _batches(rows.observations):
            _insert(conn, table_of(Observation), batch)
            count += len(batch)
        summary.rebuild(conn, [row["id"] for row in rows.listings])
        _insert(conn, table_of(Purchase), rows.purchases)
        _insert(conn, table_of(AlertRule), rows.alert_rules)
        _insert(conn, table_of(AlertEvent), rows.alert_events)
    return count


def _insert(conn: sa.Connection, table: sa.Table, rows: Sequence[Row]) -> None:
    if rows:  # an executemany of no rows would insert one row of defaults
        conn.execute(sa.insert(table), list(rows))


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
