"""Bulk writes into a fresh store: whole tables of plain rows, in one transaction.

The demo and the benchmarks write a catalogue, years of daily prices and a few alerts at
once. They go in as one executemany per table (observations in bounded batches) of a
statement compiled once, straight through the connection's DBAPI cursor, not the ORM:
the demo must start in seconds and the benchmark writes 44M rows this way. Each value is
still encoded by its column's own type (`Amount`, `UtcDateTime`...), so a row written here
reads back exactly as one written by a check; what is skipped is SQLAlchemy's per-row
parameter bookkeeping, a quarter of the INSERTs' CPU (SQLite's own insert is most of the
rest; docs/storage.md has the numbers). `fill_fresh_store`'s callers give rows as plain
mappings keyed by column name and assign the ids themselves, which is only sound on a
fresh store; they never see a table model. `insert_many` alone also appends to a store
in use (`import-history`): rows that name no id get the database's next ones, in the
caller's transaction, which then rebuilds the summaries it touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.schema import ScalarElementColumnDefault

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
_BULK_CACHE_KIB = 256 * 1024  # SQLite page cache during a bulk load


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
    with engine.begin() as conn, _bulk_cache(conn):
        _insert(conn, table_of(Product), rows.products)
        _insert(conn, table_of(Listing), rows.listings)
        for batch in _batches(rows.observations):
            insert_many(conn, table_of(Observation), batch)
            count += len(batch)
        summary.rebuild(conn, [row["id"] for row in rows.listings])
        _insert(conn, table_of(Purchase), rows.purchases)
        _insert(conn, table_of(AlertRule), rows.alert_rules)
        _insert(conn, table_of(AlertEvent), rows.alert_events)
    return count


@contextmanager
def _bulk_cache(conn: sa.Connection) -> Iterator[None]:
    """On SQLite, a page cache of `_BULK_CACHE_KIB` for the load, the connection's own
    size restored after: the roll-up rebuild reads back the history just written, which
    SQLite's default 2 MiB cache has long let go (the rebuild took a fifth less CPU on
    2M rows). A cache changes only memory, never what reaches the disk at commit, so the
    load stays as crash-safe as any transaction (WAL, synchronous NORMAL: all or none)."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{_BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or 0)}")


def _insert(conn: sa.Connection, table: sa.Table, rows: Sequence[Row]) -> None:
    if rows:  # an executemany of no rows would insert one row of defaults
        insert_many(conn, table, rows)


def insert_many(conn: sa.Connection, table: sa.Table, rows: Sequence[Row]) -> None:
    """INSERT `rows` (mappings with the same keys) in one DBAPI executemany.

    A column a row does not name takes its scalar default; a table whose missing columns
    need a computed default goes through `sa.insert` instead, which computes it."""
    names = list(rows[0])
    defaults = {c.name: c.default for c in table.columns if c.name not in names}
    fill = {n: d.arg for n, d in defaults.items() if isinstance(d, ScalarElementColumnDefault)}
    if len(fill) != sum(d is not None for d in defaults.values()):
        conn.execute(sa.insert(table), list(rows))
        return
    compiled = sa.insert(table).compile(dialect=conn.dialect, column_keys=[*names, *fill])
    order = list(compiled.positiontup or [*names, *fill])
    values = _encoded(table, conn.dialect, order, names, fill, rows)
    if not compiled.positional:
        values = [dict(zip(order, row, strict=True)) for row in values]
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(compiled.string, values)
    finally:
        cursor.close()


def _encoded(
    table: sa.Table,
    dialect: sa.Dialect,
    order: list[str],
    names: list[str],
    fill: dict[str, Any],
    rows: Sequence[Row],
) -> list[Any]:
    """Each row as a list of values in `order`, encoded by its column's own bind processing
    (its TypeDecorator, then the dialect's); defaults are encoded once, not per row."""
    position = {n: i for i, n in enumerate(order)}
    given = [position[n] for n in names]
    encoders = [(position[n], f) for n in names if (f := _processor(table.c[n], dialect))]
    template: list[Any] = [None] * len(order)
    for name, value in fill.items():
        encode = _processor(table.c[name], dialect)
        template[position[name]] = encode(value) if encode else value
    pick = itemgetter(*names)
    out = []
    for row in rows:
        values = template.copy()
        picked = pick(row) if len(names) > 1 else (row[names[0]],)
        for i, value in zip(given, picked, strict=True):
            values[i] = value
        for i, encode in encoders:
            values[i] = encode(values[i])
        out.append(values)
    return out


def _processor(column: sa.Column[Any], dialect: sa.Dialect) -> Any:
    """The column type's bind processing in `dialect` (None: values go as they are)."""
    return column.type.dialect_impl(dialect).bind_processor(dialect)


def _batches(rows: Iterable[Row]) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
