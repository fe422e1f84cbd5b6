"""`daoshou list` and `daoshou history` straight from a SQLite store, through the
standard library's sqlite3.

Opening a store through SQLAlchemy costs more than half a second of CPU in imports alone
(SQLAlchemy, SQLModel, pydantic and fourteen table models) on the 2-core development
machine, before the first query; a command that reads one row per listing, or one page of
one listing's history, needs none of it. This reader runs the reads of
`Repository.listing_statuses`, `Repository.history` and `Repository.daily_history` as one
SQL statement each and decodes each column as the table types do (`tracker.store.codec`),
into the same frozen views: a test compares the two on one store.

It answers only when it can answer exactly: a `sqlite:///PATH` URL of a file that exists
and is at `HEAD_REVISION`. Otherwise it returns None and the caller opens the store as
usual, which creates or migrates it and reports any error in the usual words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from tracker.store import codec
from tracker.store.revision import HEAD_REVISION
from tracker.store.views import (
    STATUS_PARTS,
    DailyView,
    Decoding,
    ListingStatus,
    ListingView,
    ObservationView,
    decoded,
    summary_column,
)

_SQLITE_PREFIX = "sqlite:///"
_BUSY_TIMEOUT_S = 30.0  # as the engine's: wait behind a writer rather than fail
# Fields of ListingView that come from the product, not the listing table.
_FROM_PRODUCT = {"product_name": "p.name", "unit": "p.unit"}

Decoder = Callable[[Any], Any]
_Result = TypeVar("_Result")
_View = TypeVar("_View")


def _decoder(annotation: str) -> tuple[Decoder, Any] | None:
    """How a view field of this (string) annotation is decoded from SQLite, and what a
    NULL reads as: every Decimal column is an `Amount`, every datetime a `UtcDateTime`,
    every tuple a `JsonList`; the store's types are uniform, so the view's type says the
    column's. None: the value is used as sqlite3 returns it."""
    if "Decimal" in annotation:
        return codec.amount_from_stored, None
    if "datetime" in annotation:
        return codec.utc_from_sqlite_text, None
    if annotation.startswith("tuple"):
        return codec.json_list_from_stored, ()
    if annotation.startswith("bool"):
        return bool, None
    return None


def _columns(view: type, alias: str) -> tuple[list[str], list[tuple[int, Decoder, Any]]]:
    """The SQL expression of each field of a view (in field order), and (position,
    decoder, NULL value) of the fields that need decoding. Alias `s` is the listing's
    summary, which keeps the latest observation and fetch attempt under its own names."""
    expressions, decoders = [], []
    for position, field in enumerate(fields(view)):
        if alias == "s":
            expressions.append(f"s.{summary_column(view, field.name)}")
        elif view is ListingView and field.name in _FROM_PRODUCT:
            expressions.append(_FROM_PRODUCT[field.name])
        else:
            expressions.append(f"{alias}.{field.name}")
        decoder = _decoder(str(field.type))
        if decoder is not None:
            decoders.append((position, *decoder))
    return expressions, decoders


_PARTS = tuple(
    (view, _columns(view, alias)) for view, alias in zip(STATUS_PARTS, "lss", strict=True)
)
_DECODERS = tuple(decoders for _, (_, decoders) in _PARTS)
# Every name in it is a view's field name or a table's: nothing from outside.
_STATUS_SQL = (
    "SELECT "  # noqa: S608
    + ", ".join(expression for _, (expressions, _) in _PARTS for expression in expressions)
    + " FROM listing l JOIN product p ON p.id = l.product_id"
    " LEFT JOIN listingsummary s ON s.listing_id = l.id"
    " ORDER BY l.id"
)
_OBSERVATION_COLUMNS, _OBSERVATION_DECODERS = _columns(ObservationView, "o")
_DAILY_COLUMNS, _DAILY_DECODERS = _columns(DailyView, "d")


def _page_sql(columns: list[str], table: str, key: str, order: str, before: bool) -> str:
    """One listing's rows of `table` ("TABLE ALIAS"), newest first, before a
    `key` or not (two statements, so that both use the (listing, time) index; LIMIT -1:
    no limit), as the repository pages them. Every name is the code's own."""
    alias = table.split()[1]
    where = f" AND {alias}.{key} < ?" if before else ""
    return (
        f"SELECT {', '.join(columns)} FROM {table}"  # noqa: S608
        f" WHERE {alias}.listing_id = ?{where} ORDER BY {order} LIMIT ?"
    )


_HISTORY_SQL = {
    before: _page_sql(
        _OBSERVATION_COLUMNS,
        "observation o",
        "observed_at",
        "o.observed_at DESC, o.id DESC",
        before,
    )
    for before in (False, True)
}
_DAILY_SQL = {
    before: _page_sql(_DAILY_COLUMNS, "observationdaily d", "day", "d.day DESC, d.currency", before)
    for before in (False, True)
}


def sqlite_path(url: str) -> Path | None:
    """The file of a plain `sqlite:///PATH` URL; None for any other URL (a driver or
    options this reader would not honour, an escaped path SQLAlchemy would unescape, an
    in-memory database, another database)."""
    if not url.startswith(_SQLITE_PREFIX) or "?" in url or "%" in url:
        return None
    path = url[len(_SQLITE_PREFIX) :]
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return Path(path)


def listing_statuses(url: str) -> list[ListingStatus] | None:
    """Every listing with its latest observation and fetch, in id order, as
    `Repository.listing_statuses()` gives them; None when this reader cannot answer."""
    rows = read(url, lambda connection: connection.execute(_STATUS_SQL).fetchall())
    if rows is None:
        return None
    return [ListingStatus.of_flat(row, _DECODERS) for row in rows]


def history(
    url: str, listing_id: int, *, before: datetime | None = None, limit: int | None = None
) -> list[ObservationView] | None:
    """A listing's observations, oldest first, as `Repository.history(listing_id,
    before=..., limit=...)` gives them; None when this reader cannot answer (and when
    there is no such listing: the repository says so in the usual words)."""
    sql = _HISTORY_SQL[before is not None]
    moment = () if before is None else (codec.utc_to_sqlite_text(before),)
    arguments = (listing_id, *moment, -1 if limit is None else limit)
    rows = read(url, _listing_rows(listing_id, sql, arguments))
    if rows is None:
        return None
    return _decoded(ObservationView, _OBSERVATION_DECODERS, rows[::-1])


def daily_history(
    url: str, listing_id: int, *, before: str | None = None, limit: int | None = None
) -> list[DailyView] | None:
    """A listing's daily roll-up, oldest first, as `Repository.daily_history(listing_id,
    before=..., limit=...)` gives it; None as for `history`."""
    day = () if before is None else (before,)
    arguments = (listing_id, *day, -1 if limit is None else limit)
    rows = read(url, _listing_rows(listing_id, _DAILY_SQL[before is not None], arguments))
    if rows is None:
        return None
    return _decoded(DailyView, _DAILY_DECODERS, rows[::-1])


def _listing_rows(
    listing_id: int, sql: str, arguments: Sequence[Any]
) -> Callable[[sqlite3.Connection], list[Any] | None]:
    """A read of one listing's rows that gives None when there is no such listing."""

    def rows(connection: sqlite3.Connection) -> list[Any] | None:
        known = connection.execute("SELECT 1 FROM listing WHERE id = ?", (listing_id,))
        if known.fetchone() is None:
            return None
        return connection.execute(sql, arguments).fetchall()

    return rows


def _decoded(view: type[_View], decoders: Sequence[Decoding], rows: list[Any]) -> list[_View]:
    """Views built positionally from rows of their fields, the listed fields decoded."""
    return [view(*decoded(list(row), decoders)) for row in rows]


def read(url: str, statements: Callable[[sqlite3.Connection], _Result | None]) -> _Result | None:
    """What `statements` read in one transaction of the store at `url`, or None when
    this reader cannot answer exactly (not a plain SQLite file, not at `HEAD_REVISION`,
    any sqlite3 error, or `statements` gave None). Read models of `tracker.queries` use
    it for their own statements."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        # mode=rw: never create a file; the read is one transaction, so the revision
        # checked is the one the rows were read at.
        uri = f"file:{quote(str(path.resolve()))}?mode=rw"
        with closing(sqlite3.connect(uri, uri=True, timeout=_BUSY_TIMEOUT_S)) as connection:
            connection.isolation_level = None
            connection.execute("BEGIN")
            if _revision(connection) != HEAD_REVISION:
                return None
            return statements(connection)
    except sqlite3.Error:
        return None  # the usual open reports it, in the usual words


def at_head(url: str) -> bool:
    """Whether this reader can read the store at `url` (a SQLite file at the current
    schema): then opening it through SQLAlchemy can wait, and no migration is due."""
    return read(url, lambda connection: True) is not None


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None  # no migrations table: a store the usual open has to set up
    return row[0] if row else None
