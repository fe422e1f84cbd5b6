"""The per-listing summary and the daily roll-up, kept as observations are stored.

Lists (`daoshou list`, the watchlist, the check's sanity baseline) read one
`ListingSummary` row per listing (it keeps a copy of the latest observation and fetch
attempt, so `list` reads nothing else), and charts and forecasts read one `ObservationDaily` row
per listing, day and currency, instead of ranking or scanning every observation: at
10,000 listings x 2 years (44M observations) that is the difference between milliseconds
and minutes.

Both are written in the transaction that stores the observation (`note_observation`,
`note_attempt`), so they can never disagree with the history a crash leaves behind. The
check path records in time order under the listing's check lease (one writer per
listing), so each note is a read of one row by key and an update. Bulk paths (an imported
history, migration 0004's backfill) append rows first and then `rebuild` the affected
listings from the history with a few set-based queries.

Comparable prices (those the lowest and the roll-up count) are real prices, not from/range
prices; a roll-up row never mixes currencies. A price stored without a currency (history
imported from a file that names none) is rolled up under `NO_CURRENCY`, apart from the
others.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from tracker.store.tables import (
    FetchAttempt,
    Listing,
    ListingSummary,
    Observation,
    ObservationDaily,
    table_of,
)
from tracker.store.views import FetchAttemptView, ObservationView, field_names, summary_column

_O = table_of(Observation)
_L = table_of(Listing)
_A = table_of(FetchAttempt)
_S = table_of(ListingSummary)
_D = table_of(ObservationDaily)
_CHUNK = 500
_TIME = {"observation": "observed_at", "fetchattempt": "started_at"}  # (listing, time) indexed
NO_CURRENCY = ""  # the roll-up's key for prices stored without a currency


def day_key(moment: datetime) -> str:
    """The UTC day of a moment, as the roll-up keys it (YYYY-MM-DD)."""
    return moment.astimezone(UTC).date().isoformat()


def comparable(row: Observation) -> bool:
    """Whether an observation's price counts for the lowest price and the roll-up."""
    return row.price is not None and not row.is_from_price


def note_observation(session: Session, row: Observation) -> None:
    """Fold a just-flushed observation into its listing's summary and day."""
    assert row.id is not None, "note an observation after it is flushed"
    summary = session.get(ListingSummary, row.listing_id) or ListingSummary(
        listing_id=row.listing_id
    )
    if summary.last_at is None or row.observed_at >= summary.last_at:
        _copy_fields(summary, ObservationView, row)
    if row.price is not None and (
        summary.priced_at is None or row.observed_at >= summary.priced_at
    ):
        summary.before_id = summary.priced_id
        summary.priced_id, summary.priced_at = row.id, row.observed_at
    if comparable(row):
        _fold_lowest(session, summary, row)
        _fold_day(session, row)
    session.add(summary)


def _fold_lowest(session: Session, summary: ListingSummary, row: Observation) -> None:
    if summary.lowest_currency not in (None, row.currency):
        # The listing changed currency: its lowest is the lowest in the new currency.
        summary.lowest_price, summary.lowest_currency, summary.lowest_at = None, None, None
        known = _lowest_of(session, row.listing_id, row.currency)
        if known is not None:
            summary.lowest_price, summary.lowest_at = known
            summary.lowest_currency = row.currency
    assert row.price is not None
    if summary.lowest_price is None or row.price < summary.lowest_price:
        summary.lowest_price, summary.lowest_at = row.price, row.observed_at
        summary.lowest_currency = row.currency


def _lowest_of(session: Session, listing_id: int, currency: str | None) -> Any:
    query = (
        sa.select(_O.c.price, _O.c.observed_at)
        .where(_O.c.listing_id == listing_id, _O.c.currency == currency)
        .where(*_comparable_in(_O))
        .order_by(_O.c.price, _O.c.observed_at)
        .limit(1)
    )
    found = session.execute(query).first()
    return (found.price, found.observed_at) if found else None


def _fold_day(session: Session, row: Observation) -> None:
    assert row.price is not None
    key = (row.listing_id, day_key(row.observed_at), row.currency or NO_CURRENCY)
    day = session.get(ObservationDaily, key)
    if day is None:
        session.add(
            ObservationDaily(
                listing_id=key[0],
                day=key[1],
                currency=key[2],
                first_price=row.price,
                first_at=row.observed_at,
                last_price=row.price,
                last_at=row.observed_at,
                min_price=row.price,
                max_price=row.price,
                count=1,
            )
        )
        return
    if row.observed_at < day.first_at:
        day.first_price, day.first_at = row.price, row.observed_at
    if row.observed_at >= day.last_at:
        day.last_price, day.last_at = row.price, row.observed_at
    day.min_price = min(day.min_price, row.price)
    day.max_price = max(day.max_price, row.price)
    day.count += 1
    session.add(day)


def note_attempt(session: Session, row: FetchAttempt) -> None:
    """Remember a just-flushed fetch attempt as its listing's latest."""
    summary = session.get(ListingSummary, row.listing_id) or ListingSummary(
        listing_id=row.listing_id
    )
    if summary.attempt_at is None or row.started_at >= summary.attempt_at:
        _copy_fields(summary, FetchAttemptView, row)
    session.add(summary)


def _copy_fields(summary: ListingSummary, view: type, row: Observation | FetchAttempt) -> None:
    """Make `row` the summary's latest of its kind: its id, time and every other field."""
    for name in field_names(view):
        if name != "listing_id":
            setattr(summary, summary_column(view, name), getattr(row, name))


def rebuild(
    conn: sa.Connection, listing_ids: Sequence[int] | None = None, *, copies: bool = True
) -> None:
    """Recompute the summaries and roll-ups of `listing_ids` (every listing when None) from
    the history: after bulk appends, and to backfill a store written before they existed.

    `copies=False` leaves out the copied latest rows (`copy_latest`): migration 0004 builds
    the summary before migration 0006 adds their columns, and copies them itself."""
    if listing_ids is None:
        conn.execute(sa.delete(_D))
        conn.execute(sa.delete(_S))
        _rebuild_chunk(conn, None)
    else:
        ids = sorted(set(listing_ids))
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            conn.execute(sa.delete(_D).where(_D.c.listing_id.in_(chunk)))
            conn.execute(sa.delete(_S).where(_S.c.listing_id.in_(chunk)))
            _rebuild_chunk(conn, chunk)
    if copies:
        copy_latest(conn, listing_ids)


def copy_latest(conn: sa.Connection, listing_ids: Sequence[int] | None = None) -> None:
    """Copy into the summaries of `listing_ids` (None: every listing) the observation and
    the fetch attempt their `last_id` and `attempt_id` point to: one statement per kind,
    each row found by its key."""
    for view, table in ((ObservationView, _O), (FetchAttemptView, _A)):
        pointer = _S.c[summary_column(view, "id")]
        copied = {
            summary_column(view, name): sa.select(table.c[name])
            .where(table.c.id == pointer)
            .scalar_subquery()
            for name in field_names(view)
            if name not in ("id", "listing_id")
        }
        update = sa.update(_S).values(copied)
        if listing_ids is None:
            conn.execute(update)
            continue
        ids = sorted(set(listing_ids))
        for start in range(0, len(ids), _CHUNK):
            conn.execute(update.where(_S.c.listing_id.in_(ids[start : start + _CHUNK])))


def _rebuild_chunk(conn: sa.Connection, ids: list[int] | None) -> None:
    conn.execute(sa.insert(_D).from_select(_DAILY_COLUMNS, _daily_select(conn, ids)))
    rows: dict[int, dict[str, Any]] = {}

    def put(listing_id: int, **values: Any) -> None:
        rows.setdefault(listing_id, dict.fromkeys(_POINTERS)).update(
            listing_id=listing_id, **values
        )

    for r in conn.execute(_newest(_O, ids, priced=False)):
        put(r.listing_id, last_id=r.id, last_at=r.at)
    for offset, pointer in ((0, "priced"), (1, "before")):
        for r in conn.execute(_newest(_O, ids, priced=True, offset=offset)):
            put(r.listing_id, **{f"{pointer}_id": r.id, f"{pointer}_at": r.at})
    for r in conn.execute(_lowest_select(ids)):
        put(r.listing_id, lowest_price=r.price, lowest_currency=r.currency, lowest_at=r.at)
    for r in conn.execute(_newest(_A, ids, priced=False)):
        put(r.listing_id, attempt_id=r.id, attempt_at=r.at)
    values = list(rows.values())
    for start in range(0, len(values), _CHUNK):
        conn.execute(sa.insert(_S), values[start : start + _CHUNK])


def _newest(
    table: sa.Table, ids: list[int] | None, *, priced: bool, offset: int = 0
) -> sa.Select[Any]:
    """Per listing, the id and time ("at") of its newest row (by time, then id; `offset`
    1: the one before it), each found through the (listing, time) index: ranking every
    row with a window function sorted the whole history."""
    time = _TIME[table.name]
    row = table.alias("newest")
    pick = sa.select(row.c.id).where(row.c.listing_id == _L.c.id)
    if priced:
        pick = pick.where(row.c.price.is_not(None))
    pick = pick.order_by(row.c[time].desc(), row.c.id.desc()).limit(1).offset(offset)
    picked = _per_listing(ids, pick.scalar_subquery().label("picked"))
    return sa.select(picked.c.listing_id, table.c.id, table.c[time].label("at")).join(
        picked, table.c.id == picked.c.picked
    )


def _lowest_select(ids: list[int] | None) -> sa.Select[Any]:
    """Per listing, the lowest comparable price in the currency of its newest one, and
    when it was first seen: the currency by key through the (listing, time) index, then
    the listing's comparable rows in it."""
    newest = _O.alias("newest")
    currency = (
        sa.select(newest.c.currency)
        .where(newest.c.listing_id == _L.c.id, *_comparable_in(newest))
        .order_by(newest.c.observed_at.desc(), newest.c.id.desc())
        .limit(1)
    )
    current = _per_listing(
        ids,
        currency.scalar_subquery().label("currency"),
        sa.exists().where(newest.c.listing_id == _L.c.id, *_comparable_in(newest)),
    )
    low = _O.alias("low")
    lowest = (
        sa.select(low.c.id)
        .where(low.c.listing_id == current.c.listing_id, *_comparable_in(low))
        .where(low.c.currency.is_not_distinct_from(current.c.currency))
        .order_by(low.c.price, low.c.observed_at, low.c.id)
        .limit(1)
        .scalar_subquery()
    )
    found = sa.select(current.c.listing_id, lowest.label("lowest")).subquery()
    return (
        sa.select(found.c.listing_id, _O.c.price, _O.c.currency, _O.c.observed_at.label("at"))
        .select_from(found)
        .join(_O, _O.c.id == found.c.lowest)
    )


def _per_listing(ids: list[int] | None, value: Any, *where: Any) -> sa.Subquery:
    """(listing_id, `value`) for each listing of `ids` (None: every listing)."""
    query = sa.select(_L.c.id.label("listing_id"), value).where(*where)
    if ids is not None:
        query = query.where(_L.c.id.in_(ids))
    return query.subquery()


def _comparable_in(table: Any) -> list[sa.ColumnElement[bool]]:
    """What makes a row of `table` (the observations, or an alias) comparable, in SQL:
    `comparable` in Python."""
    return [table.c.price.is_not(None), table.c.is_from_price.is_(False)]


# What `_rebuild_chunk` computes from the history; `copy_latest` fills in the rest.
_POINTERS = (
    "listing_id",
    "last_id",
    "last_at",
    "priced_id",
    "priced_at",
    "before_id",
    "lowest_price",
    "lowest_currency",
    "lowest_at",
    "attempt_id",
    "attempt_at",
)
_DAILY_COLUMNS = [
    "listing_id",
    "day",
    "currency",
    "first_price",
    "first_at",
    "last_price",
    "last_at",
    "min_price",
    "max_price",
    "count",
]


def _daily_select(conn: sa.Connection, ids: list[int] | None) -> sa.Select[Any]:
    """The roll-up rows of the listings' comparable history, one per listing, day and
    currency: an aggregate in one pass, then each day's first and last price by key
    through the (listing, time) index. Ranking every observation in its day with window
    functions sorted the whole history twice and took twice as long at 44M rows."""
    day = day_sql(conn.dialect.name, _O.c.observed_at).label("day")
    currency = sa.func.coalesce(_O.c.currency, NO_CURRENCY).label("currency")
    days = (
        sa.select(
            _O.c.listing_id,
            day,
            currency,
            sa.func.min(_O.c.observed_at).label("first_at"),
            sa.func.max(_O.c.observed_at).label("last_at"),
            sa.func.min(_O.c.price).label("min_price"),
            sa.func.max(_O.c.price).label("max_price"),
            sa.func.count().label("count"),
        )
        .where(*_comparable(ids))
        .group_by(_O.c.listing_id, day, currency)
        .subquery()
    )
    return sa.select(
        days.c.listing_id,
        days.c.day,
        days.c.currency,
        _price_at(days, days.c.first_at, first=True),
        days.c.first_at,
        _price_at(days, days.c.last_at, first=False),
        days.c.last_at,
        days.c.min_price,
        days.c.max_price,
        days.c.count,
    )


def _price_at(days: sa.Subquery, at: Any, *, first: bool) -> Any:
    """The comparable price a day's listing had at `at` in the day's currency (of rows at
    the same instant, the first stored for the day's first price, the last for its last)."""
    o = _O.alias("at")
    return (
        sa.select(o.c.price)
        .where(o.c.listing_id == days.c.listing_id, o.c.observed_at == at)
        .where(sa.func.coalesce(o.c.currency, NO_CURRENCY) == days.c.currency)
        .where(*_comparable_in(o))
        .order_by(o.c.id if first else o.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def day_sql(dialect: str, column: Any) -> Any:
    """The UTC day of a stored time, in SQL (SQLite keeps UTC text, PostgreSQL timestamptz)."""
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD")
    return sa.func.substr(column, 1, 10)


def _comparable(ids: list[int] | None) -> list[sa.ColumnElement[bool]]:
    """The comparable observations of `ids` (None: of every listing)."""
    listings = [] if ids is None else [_O.c.listing_id.in_(ids)]
    return [*listings, *_comparable_in(_O)]
