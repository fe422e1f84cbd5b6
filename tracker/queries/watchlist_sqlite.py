"""The watchlist straight from a SQLite store, through the standard library's sqlite3.

The terminal app's first screenful needs `load_watchlist`'s rows and nothing else;
reading them through SQLAlchemy meant importing SQLAlchemy, SQLModel and the table
models (about half a second of CPU on the 2-core development machine) before anything
could be shown. This reader runs the same two reads (the listings with their summary
pointers, then the observations those point at) as plain SQL in one transaction,
decodes each column as the table types do (`tracker.store.codec`) and builds the rows
with the same function (`tracker.queries.watch_rows.watch_rows`): a test compares the
two readers on one store. Like `tracker.store.sqlite_reader`, it answers only when it
can answer exactly, and None sends the caller to `load_watchlist`.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from typing import Any

from tracker.queries.watch_rows import WatchRow, name_order, watch_rows
from tracker.store import codec, sqlite_reader

# The columns `watch_rows` reads, as `load_watchlist` selects them; a product without an
# active listing has one row of NULL listing columns (a paused listing is not shown).
_LISTINGS_SQL = (
    "SELECT p.id AS product_id, p.name, p.unit, p.category, l.id AS listing_id,"
    " l.platform, l.shop, l.url, l.pack, l.per_pack, l.active,"
    " s.last_id, s.priced_id, s.before_id"
    " FROM product p LEFT JOIN listing l ON l.product_id = p.id AND l.active"
    " LEFT JOIN listingsummary s ON s.listing_id = l.id"
    " WHERE p.archived IS 0{products} ORDER BY p.id, l.id"
)
# Every observation a shown listing's summary points at, found by key (one lookup per
# pointer; an observation pointed at twice is read twice and kept once).
_OBSERVATIONS_SQL = (
    "SELECT o.id, o.observed_at, o.price, o.currency, o.in_stock, o.reason, o.title,"
    " o.in_hand FROM listing l JOIN product p ON p.id = l.product_id"
    " JOIN listingsummary s ON s.listing_id = l.id"
    " JOIN observation o ON o.id IN (s.last_id, s.priced_id, s.before_id)"
    " WHERE l.active AND p.archived IS 0{products}"
)
_NAMES_SQL = "SELECT id, name FROM product WHERE archived IS 0 ORDER BY id"
# Rows with the attributes `watch_rows` reads, as SQLAlchemy's rows have them.
_Listing = namedtuple(
    "_Listing",
    "product_id name unit category listing_id platform shop url pack per_pack active"
    " last_id priced_id before_id",
)
_Observation = namedtuple(
    "_Observation", "id observed_at price currency in_stock reason title in_hand"
)


def read_watchlist(url: str, first: int | None = None) -> list[WatchRow] | None:
    """Every unarchived product with its active listings' latest state, as
    `load_watchlist(engine)` gives it; None when this reader cannot answer.

    With `first`, only the first products in name order (`name_order`): the watchlist's
    first screenful in its default order, read in a few milliseconds whatever the size
    of the watchlist."""
    read = sqlite_reader.read(url, lambda connection: _read_rows(connection, first))
    if read is None:
        return None
    listings, observations = read
    return watch_rows(listings, observations)


def _first_products(connection: sqlite3.Connection, first: int) -> list[int]:
    named = connection.execute(_NAMES_SQL).fetchall()  # in id order: ties stay so
    named.sort(key=lambda product: name_order(product[1]))
    return [product_id for product_id, _ in named[:first]]


def _read_rows(
    connection: sqlite3.Connection, first: int | None
) -> tuple[list[Any], dict[int, Any]]:
    products: str = ""  # the whole watchlist
    ids: list[int] = []
    if first is not None:
        ids = _first_products(connection, first)
        products = f" AND p.id IN ({', '.join('?' * len(ids)) or 'NULL'})"
    amount, flag = codec.amount_from_stored, _flag
    listings = [
        _Listing._make((*row[:9], amount(row[9]), flag(row[10]), *row[11:]))
        for row in connection.execute(_LISTINGS_SQL.format(products=products), ids)
    ]
    observations: dict[int, Any] = {}
    for id_, at, price, currency, in_stock, reason, title, in_hand in connection.execute(
        _OBSERVATIONS_SQL.format(products=products), ids
    ):
        if id_ not in observations:
            observations[id_] = _Observation(
                id_,
                codec.utc_from_sqlite_text(at),
                amount(price),
                currency,
                flag(in_stock),
                reason,
                title,
                amount(in_hand),
            )
    return listings, observations


def _flag(stored: int | None) -> bool | None:
    """A stored boolean (0 or 1) as SQLAlchemy reads it; NULL stays None."""
    return None if stored is None else bool(stored)
