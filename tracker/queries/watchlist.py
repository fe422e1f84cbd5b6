"""The watchlist read-model: what the terminal app shows for every watched product.

It answers in a handful of aggregated SQL queries, never by loading rows through the ORM,
so the watchlist stays fast with thousands of products and millions of observations:

- `load_watchlist` (first paint): every product with its listings' latest observation,
  the previous price, and the best current offer, read through each listing's summary
  row (`tracker.store.summary`): O(listings) key lookups, however long the history.
- `load_trends` (second pass): a daily price series for sparklines from the daily
  roll-up, and the lowest price ever recorded from the summaries.
- `load_forecast_marks`: the next sale event's forecast, advice and fake-discount mark of
  each product's best listing (the one whose price the row shows).
- `latest_observation_id`: one cheap number the app polls to notice new prices written by
  any process (the in-app scheduler or `daoshou run` elsewhere); `changed_products` says
  which products they belong to, so only those rows are read again.

Results are frozen dataclasses (`tracker.queries.watch_rows`, which builds them from
either reader's rows); the UI never holds a live row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeAlias

import sqlalchemy as sa

from tracker.queries.watch_rows import ForecastMark, Trend, WatchRow, watch_rows
from tracker.store.tables import (
    ForecastRecord,
    Listing,
    ListingSummary,
    Observation,
    ObservationDaily,
    Product,
    table_of,
)

_L = table_of(Listing)
_S = table_of(ListingSummary)
_D = table_of(ObservationDaily)
_P = table_of(Product)
_O = table_of(Observation)
_F = table_of(ForecastRecord)
_Row: TypeAlias = "sa.Row[*tuple[Any, ...]]"  # a result row of any width
_CHUNK = 500  # ids per IN (...) list: far below every backend's parameter limit


def changed_products(engine: sa.Engine, after_id: int) -> list[int]:
    """Products with observations newer than `after_id` (the id range is indexed: cheap)."""
    query = (
        sa.select(_L.c.product_id)
        .distinct()
        .select_from(_O.join(_L, _L.c.id == _O.c.listing_id))
        .where(_O.c.id > after_id)
    )
    with engine.connect() as conn:
        return sorted(conn.execute(query).scalars())


def latest_observation_id(engine: sa.Engine) -> int:
    """The highest observation id: cheap to poll, grows whenever any process records a check."""
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(_O.c.id))).scalar() or 0)


def _observations(conn: sa.Connection, ids: Iterable[int]) -> dict[int, _Row]:
    wanted = sorted({i for i in ids if i is not None})
    found: dict[int, _Row] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = conn.execute(
            sa.select(
                _O.c.id,
                _O.c.observed_at,
                _O.c.price,
                _O.c.currency,
                _O.c.in_stock,
                _O.c.reason,
                _O.c.title,
                _O.c.in_hand,
            ).where(_O.c.id.in_(chunk))
        )
        found.update({row.id: row for row in rows})
    return found


def load_watchlist(
    engine: sa.Engine, product_ids: Sequence[int] | None = None, *, paused: bool = False
) -> list[WatchRow]:
    """Every unarchived product (or those in `product_ids`) with its listings' latest state;
    paused listings only if `paused` (the product screen shows them, to resume them)."""
    listing = _L.c
    joined = listing.product_id == _P.c.id
    query = (
        sa.select(
            _P.c.id.label("product_id"),
            _P.c.name,
            _P.c.unit,
            _P.c.category,
            listing.id.label("listing_id"),
            listing.platform,
            listing.shop,
            listing.url,
            listing.pack,
            listing.per_pack,
            listing.active,
            _S.c.last_id,
            _S.c.priced_id,
            _S.c.before_id,
        )
        .select_from(
            _P.outerjoin(_L, joined if paused else sa.and_(joined, listing.active)).outerjoin(
                _S, _S.c.listing_id == listing.id
            )
        )
        .where(_P.c.archived.is_(False))
        .order_by(_P.c.id, listing.id)
    )
    if product_ids is not None:
        query = query.where(_P.c.id.in_(list(product_ids)))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        obs = _observations(conn, (i for r in rows for i in (r.last_id, r.priced_id, r.before_id)))
    return watch_rows(rows, obs)


def load_trends(
    engine: sa.Engine, rows: Sequence[WatchRow], days: int = 84, now: datetime | None = None
) -> dict[int, Trend]:
    """Daily cheapest prices over the last `days` and the lowest price ever, per product.

    Series use the listings in the best offer's currency only, and each listing's price
    per unit when the product's packs are all known, so a 2-pack never looks like a drop.
    """
    since = (now or datetime.now().astimezone()) - timedelta(days=days)
    scale = _per_listing_scale(rows)
    ids = list(scale)
    daily: dict[int, dict[date, Decimal]] = defaultdict(dict)
    lowest: dict[int, Decimal] = {}
    lowest_unit: dict[int, Decimal] = {}
    with engine.connect() as conn:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            _daily_minimums(conn, chunk, since, scale, daily)
            _lowest_prices(conn, chunk, scale, lowest, lowest_unit)
    return {
        row.product_id: Trend(
            product_id=row.product_id,
            daily=tuple(sorted(daily.get(row.product_id, {}).items())),
            lowest=lowest.get(row.product_id),
            lowest_per_unit=lowest_unit.get(row.product_id),
        )
        for row in rows
    }


_Scale = dict[int, tuple[int, Decimal | None]]


def _daily_minimums(
    conn: sa.Connection,
    ids: list[int],
    since: datetime,
    scale: _Scale,
    daily: dict[int, dict[date, Decimal]],
) -> None:
    """Fold the listings' recent daily lows (the roll-up) into each product's cheapest
    price per day."""
    recent = conn.execute(
        sa.select(_D.c.listing_id, _D.c.day, _D.c.min_price).where(
            _D.c.listing_id.in_(ids), _D.c.day >= since.astimezone(UTC).date().isoformat()
        )
    )
    for listing_id, day_text, price in recent:
        product_id, divisor = scale[listing_id]
        value = price / divisor if divisor else price
        day = date.fromisoformat(day_text)
        known = daily[product_id].get(day)
        if known is None or value < known:
            daily[product_id][day] = value


def _lowest_prices(
    conn: sa.Connection,
    ids: list[int],
    scale: _Scale,
    lowest: dict[int, Decimal],
    lowest_unit: dict[int, Decimal],
) -> None:
    """Fold each listing's lowest price ever (kept in its summary) into its product's
    lowest (and per unit)."""
    mins = conn.execute(
        sa.select(_S.c.listing_id, _S.c.lowest_price).where(
            _S.c.listing_id.in_(ids), _S.c.lowest_price.is_not(None)
        )
    )
    for listing_id, price in mins:
        product_id, divisor = scale[listing_id]
        if lowest.get(product_id) is None or price < lowest[product_id]:
            lowest[product_id] = price
        if divisor:
            unit = price / divisor
            if lowest_unit.get(product_id) is None or unit < lowest_unit[product_id]:
                lowest_unit[product_id] = unit


def _per_listing_scale(rows: Sequence[WatchRow]) -> _Scale:
    """listing id -> (product id, pack divisor or None) for the listings worth charting."""
    scale: _Scale = {}
    for row in rows:
        currency = row.best.currency if row.best else None
        quotes = [q for q in row.listings if currency is None or q.currency in (currency, None)]
        by_unit = bool(quotes) and all(q.per_pack for q in quotes)
        for q in quotes:
            scale[q.listing_id] = (row.product_id, q.per_pack if by_unit else None)
    return scale


def load_forecast_marks(
    engine: sa.Engine, rows: Sequence[WatchRow], today: date | None = None
) -> dict[int, ForecastMark]:
    """Per product, the forecast of its nearest upcoming sale for its best listing: the
    forecast and advice beside a price are those of the listing that price is from."""
    best = {row.best.listing_id: row.product_id for row in rows if row.best is not None}
    if not best:
        return {}
    with engine.connect() as conn:
        marks = forecast_marks(conn, today or date.today(), list(best))
    return {best[listing_id]: mark for listing_id, mark in marks.items()}


def forecast_marks(
    conn: sa.Connection, today: date, listing_ids: Sequence[int] | None = None
) -> dict[int, ForecastMark]:
    """Per listing, its stored forecast of the nearest upcoming sale."""
    made_for = (
        sa.select(_O.c.price)
        .where(
            _O.c.listing_id == _F.c.listing_id,
            _O.c.price.is_not(None),
            _O.c.observed_at <= _F.c.computed_at,
        )
        .order_by(_O.c.observed_at.desc(), _O.c.id.desc())
        .limit(1)
        .correlate(_F)
        .scalar_subquery()
    )
    query = (
        sa.select(_F, _L.c.product_id, made_for.label("made_for"))
        .join(_L, _L.c.id == _F.c.listing_id)
        .where(_F.c.event_date >= today.isoformat())
        .order_by(_F.c.event_date.desc())
    )
    if listing_ids is not None:
        query = query.where(_F.c.listing_id.in_(list(listing_ids)))
    marks: dict[int, ForecastMark] = {}
    for row in conn.execute(query):  # latest date first, so the nearest one wins
        fake = row.fake_discount or None
        marks[row.listing_id] = ForecastMark(
            product_id=row.product_id,
            listing_id=row.listing_id,
            event_key=row.event_key,
            event_date=row.event_date,
            point=row.point,
            lower=row.lower,
            upper=row.upper,
            currency=row.currency,
            advice=row.advice,
            expected_saving=row.expected_saving,
            fake_discount=fake is not None,
            fake_note_zh=fake.get("explanation_zh") if fake else None,
            fake_note_en=fake.get("explanation") if fake else None,
            made_for=row.made_for,
        )
    return marks
