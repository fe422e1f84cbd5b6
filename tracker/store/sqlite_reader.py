"""`daoshou list` straight from a SQLite store, through the standard library's sqlite3.

Opening a store through SQLAlchemy costs more than half a second of CPU in imports alone
(SQLAlchemy, SQLModel, pydantic and fourteen table models) on the 2-core development
machine, before the first query; a command that reads one row per listing needs none of
it. This reader runs the one-row-per-listing read of `Repository.listing_statuses` as one
SQL statement and decodes each column as the table types do (`tracker.store.codec`), into
the same frozen views: a test compares the two on one store.

It answers only when it can answer exactly: a `sqlite:///PATH` URL of a file that exists
and is at `HEAD_REVISION`. Otherwise it returns None and the caller opens the store as
usual, which creates or migrates it and reports any error in the usual words.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import fields
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tracker.store import codec
from tracker.store.revision import HEAD_REVISION
from tracker.store.views import STATUS_PARTS, ListingStatus, ListingView

_SQLITE_PREFIX = "sqlite:///"
_BUSY_TIMEOUT_S = 30.0  # as the engine's: wait behind a writer rather than fail
# Fields of ListingView that come from the product, not the listing table.
_FROM_PRODUCT = {"product_name": "p.name", "unit": "p.unit"}

Decoder = Callable[[Any], Any]


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
    decoder, NULL value) of the fields that need decoding."""
    expressions, decoders = [], []
    for position, field in enumerate(fields(view)):
        product = _FROM_PRODUCT.get(field.name) if view is ListingView else None
        expressions.append(product or f"{alias}.{field.name}")
        decoder = _decoder(str(field.type))
        if decoder is not None:
            decoders.append((position, *decoder))
    return expressions, decoders


_PARTS = tuple(
    (view, _columns(view, alias)) for view, alias in zip(STATUS_PARTS, "loa", strict=True)
)
_DECODERS = tuple(decoders for _, (_, decoders) in _PARTS)
# Every name in it is a view's field name or a table's: nothing from outside.
_STATUS_SQL = (
    "SELECT "  # noqa: S608
    + ", ".join(expression for _, (expressions, _) in _PARTS for expression in expressions)
    + " FROM listing l JOIN product p ON p.id = l.product_id"
    " LEFT JOIN listingsummary s ON s.listing_id = l.id"
    " LEFT JOIN observation o ON o.id = s.last_id"
    " LEFT JOIN fetchattempt a ON a.id = s.attempt_id"
    " ORDER BY l.id"
)


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
            rows = connection.execute(_STATUS_SQL).fetchall()
    except sqlite3.Error:
        return None  # the usual open reports it, in the usual words
    return [ListingStatus.of_flat(row, _DECODERS) for row in rows]


def _revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None  # no migrations table: a store the usual open has to set up
    return row[0] if row else None
