"""Forecasts for tracked listings: history out of the store, forecasts back into it.

The forecaster (`planner.forecast`) is pure; this module is the bridge. It reads a
listing's daily roll-up (`tracker.store.summary`) as a daily `PriceSeries` (last price of
each UTC day), asks for comparable listings' sale outcomes when the listing is too new to
have its own, and stores each result in `ForecastRecord`. The record's `inputs_hash` holds
the history's fingerprint (`planner.forecast.fingerprint`) and the day it was taken: the
nightly run (`tracker.checks.nightly`) refits a listing only when `needs_refit` says so (a
new price level, a newly seen sale day, another target, or a week closer to the sale), not
because one more identical day was recorded. It also imports price history from CSV as
observations with `source="import"`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from planner.errors import DaoshouError, HistoryImportError
from planner.forecast import Calendar, Forecast, Occurrence, PriceSeries, forecast, load_calendar
from planner.forecast.fakes import FakeDiscount, detect_fake_discount
from planner.forecast.fingerprint import (
    history_fingerprint,
    stored_key,
)
from planner.forecast.forecaster import MIN_HISTORY_DAYS
from planner.forecast.history import read_history_csv, series_from_points
from planner.forecast.outcomes import comparable_log_ratios
from tracker import locations
from tracker.errors import NotFoundError, no_such_listing
from tracker.store import db, summary
from tracker.store.bulk import insert_many
from tracker.store.tables import (
    ForecastRecord,
    Listing,
    Observation,
    ObservationDaily,
    Product,
    table_of,
    utcnow,
)

UPCOMING_DAYS = 120  # the nightly run forecasts each listing's sales this far ahead
UPCOMING_PER_LISTING = 2
COMPARABLE_LIMIT = 30
IMPORT_TIME = time(12, 0, tzinfo=UTC)  # an imported daily price is dated noon UTC
_CHUNK = 1000
_OBSERVATIONS = table_of(Observation)
_STORE_STEP = Decimal("0.0001")  # the store keeps amounts to 4 decimal places


@dataclass(frozen=True)
class ImportSummary:
    """Rows imported per listing id, and rows skipped because that day was already there."""

    inserted: dict[int, int]
    skipped: int


def user_calendar() -> Calendar:
    """The shipped calendar plus the user's own events file, when there is one."""
    path = locations.events_file()
    return load_calendar(path if path.is_file() else None)


def listing_series(session: Session, listing: Listing) -> PriceSeries:
    """A listing's recorded prices as a daily series (the last price of each UTC day), read
    from the daily roll-up: ~730 rows for two years, however often the listing is checked."""
    rows = session.exec(
        select(
            col(ObservationDaily.day),
            col(ObservationDaily.last_price),
            col(ObservationDaily.currency),
        )
        .where(ObservationDaily.listing_id == listing.id)
        .order_by(col(ObservationDaily.day), col(ObservationDaily.last_at))
    ).all()
    points = [(date.fromisoformat(day), price) for day, price, _ in rows]
    currencies = [c for _, _, c in rows if c != summary.NO_CURRENCY]
    return series_from_points(
        str(listing.id), points, currencies[-1] if currencies else None, listing.platform
    )


def forecast_listing(
    engine: Engine, listing_id: int, event: str, calendar: Calendar, today: date
) -> tuple[Forecast, FakeDiscount | None]:
    """Forecast one listing for the sale the user named, store it, and check the sale for
    a fake discount (a raise in the weeks before it)."""
    with db.session_scope(engine) as session:
        listing = _listing(session, listing_id)
        series = listing_series(session, listing)
        if not series.days:
            raise NotFoundError(
                f"listing {listing_id} has no recorded prices yet",
                "run `daoshou check` or import history with `daoshou import-history`",
                zh=(
                    f"商品链接 {listing_id} 还没有记录到价格",
                    "运行 daoshou check，或用 daoshou import-history 导入历史",
                ),
            )
        target = calendar.resolve(event, listing.platform, today + timedelta(days=1))
        comparables = comparables_of(session, listing, series, target, calendar)
        struck = struck_price(session, listing_id, series, target)
    result = forecast(series, target, calendar, comparables)
    fake = detect_fake_discount(series, target, struck)
    key = stored_key(fingerprint_of(series, target, calendar), series.last_day)
    store_forecasts(engine, [(listing_id, result, fake, key)])
    return result, fake


@dataclass(frozen=True)
class NextSales:
    """Forecasts of listings' next sales: (listing id, Chinese, English) and the problems."""

    made: tuple[tuple[int, str, str], ...]
    problems: tuple[str, ...]


def forecast_next_sales(
    engine: Engine, listing_ids: Sequence[int], calendar: Calendar, today: date
) -> NextSales:
    """Forecast and store each listing's next sale on its platform; problems are named."""
    made: list[tuple[int, str, str]] = []
    problems: list[str] = []
    with db.session_scope(engine) as session:
        platforms = {i: _listing(session, i).platform for i in listing_ids}
    for listing_id in listing_ids:
        coming = calendar.occurrences(platforms[listing_id], start=today + timedelta(days=1))
        if not coming:
            continue
        try:
            result, _fake = forecast_listing(engine, listing_id, coming[0].key, calendar, today)
        except DaoshouError as exc:
            problems.append(f"#{listing_id}: {exc.one_line()}")
            continue
        made.append((listing_id, result.explanation_zh, result.explanation))
    return NextSales(tuple(made), tuple(problems))


def forecast_next_sales_in(database_url: str, listing_ids: Sequence[int], today: date) -> NextSales:
    """`forecast_next_sales` on the store at `database_url` (for a child process)."""
    return forecast_next_sales(db.open_engine(database_url), listing_ids, user_calendar(), today)


def struck_price(
    session: Session, listing_id: int, series: PriceSeries, target: Occurrence
) -> Decimal | None:
    """The list price the page showed on the sale's main day (the last recorded day, for a
    sale still to come): the price a "discount" label strikes out, when it was recorded."""
    day = min(target.day, series.last_day)
    start = datetime.combine(day, time(0), UTC)
    return session.exec(
        select(col(Observation.list_price))
        .where(
            Observation.listing_id == listing_id,
            col(Observation.list_price).is_not(None),
            col(Observation.observed_at) >= start,
            col(Observation.observed_at) < start + timedelta(days=1),
        )
        .order_by(col(Observation.observed_at).desc())
    ).first()


def fingerprint_of(series: PriceSeries, target: Occurrence, calendar: Calendar) -> str:
    """What a forecast of `target` from `series` rests on (see `history_fingerprint`)."""
    sale_days = [o.day for o in calendar.occurrences(series.platform, end=series.last_day)]
    return history_fingerprint(series, sale_days, target)


def import_history(
    engine: Engine, path: Path, listing_id: int | None = None, series_name: str | None = None
) -> ImportSummary:
    """Add a history CSV's prices to listings as observations (`source="import"`).

    With `listing_id`, the file's one series (or `series_name`) goes to that listing;
    without, each series is named by a listing id, URL or SKU. Days the listing already
    has an imported price for are skipped, so importing a file twice changes nothing.
    """
    all_series = read_history_csv(path)
    with db.session_scope(engine, write=True) as session:
        targets = _import_targets(session, path, all_series, listing_id, series_name)
        inserted: dict[int, int] = {}
        skipped = 0
        for listing, series in targets:
            rows = _new_rows(session, listing, series, path)
            skipped += len(series.days) - len(rows)
            for start in range(0, len(rows), _CHUNK):
                insert_many(session.connection(), _OBSERVATIONS, rows[start : start + _CHUNK])
            inserted[listing.id or 0] = len(rows)
        summary.rebuild(session.connection(), [i for i, n in inserted.items() if n])
    return ImportSummary(inserted, skipped)


def _listing(session: Session, listing_id: int) -> Listing:
    listing = session.get(Listing, listing_id)
    if listing is None:
        raise no_such_listing(listing_id)
    return listing


def comparables_of(
    session: Session,
    listing: Listing,
    series: PriceSeries,
    target: Occurrence,
    calendar: Calendar,
) -> list[float]:
    """Sale outcomes of other listings on the same platform (same category first), only
    when this listing's own history is too short to speak for itself."""
    if series.history_days >= MIN_HISTORY_DAYS:
        return []
    category = session.exec(
        select(Product.category).where(Product.id == listing.product_id)
    ).first()
    query = (
        select(Listing)
        .join(Product, col(Product.id) == col(Listing.product_id))
        .where(Listing.platform == listing.platform, Listing.id != listing.id)
    )
    if category:
        query = query.order_by(sa.case((col(Product.category) == category, 0), else_=1))
    others = [
        listing_series(session, other) for other in session.exec(query.limit(COMPARABLE_LIMIT))
    ]
    horizon = max(1, (target.day - series.last_day).days)
    days = calendar.occurrences(listing.platform, end=target.day)
    return comparable_log_ratios(others, target, horizon, days)


Stored = tuple[int, Forecast, FakeDiscount | None, str]  # ..., fingerprint@as-of (stored_key)


def store_forecasts(engine: Engine, items: Sequence[Stored]) -> None:
    """Insert or update each listing's record for its sale, all in one transaction."""
    with db.session_scope(engine, write=True) as session:
        for listing_id, result, fake, key in items:
            record = session.exec(
                select(ForecastRecord).where(
                    ForecastRecord.listing_id == listing_id,
                    ForecastRecord.event_key == result.event_key,
                )
            ).first() or ForecastRecord(
                listing_id=listing_id, event_key=result.event_key, event_date="", inputs_hash=""
            )
            record.event_date = result.event_date.isoformat()
            record.inputs_hash = key
            record.computed_at = utcnow()
            record.currency = result.currency
            record.point, record.lower, record.upper = result.point, result.lower, result.upper
            record.prob_drop = result.prob_drop
            record.advice = result.advice
            record.expected_saving = result.expected_saving
            record.method = result.method
            record.history_days = result.history_days
            record.fake_discount = _plain(asdict(fake)) if fake else None
            session.add(record)


def _plain(value: dict[str, Any]) -> dict[str, Any]:
    """A dataclass dict with Decimals and dates as strings, for a JSON column."""
    return {
        k: v if isinstance(v, bool | int | float | str | None) else str(v) for k, v in value.items()
    }


def _import_targets(
    session: Session,
    path: Path,
    all_series: dict[str, PriceSeries],
    listing_id: int | None,
    series_name: str | None,
) -> list[tuple[Listing, PriceSeries]]:
    if series_name is not None:
        if series_name not in all_series:
            raise HistoryImportError(
                f"{path} has no series {series_name!r}",
                f"pick one of: {', '.join(sorted(all_series))}",
                zh=(f"{path} 中没有序列 {series_name!r}", f"可选：{', '.join(sorted(all_series))}"),
            )
        all_series = {series_name: all_series[series_name]}
    if listing_id is not None:
        if len(all_series) != 1:
            raise HistoryImportError(
                f"{path} holds {len(all_series)} series; --listing takes one",
                "choose one with --series, or name each series by its listing id",
                zh=(
                    f"{path} 含 {len(all_series)} 个序列；--listing 只接受一个",
                    "用 --series 选一个，或用商品链接编号命名每个序列",
                ),
            )
        return [(_listing(session, listing_id), next(iter(all_series.values())))]
    return [(_listing_named(session, path, name), series) for name, series in all_series.items()]


def _listing_named(session: Session, path: Path, name: str) -> Listing:
    """The listing a series name means: its id, its URL, or its SKU."""
    if name.isdigit():
        found = session.get(Listing, int(name))
    else:
        found = session.exec(
            select(Listing).where(sa.or_(col(Listing.url) == name, col(Listing.sku) == name))
        ).first()
    if found is None:
        raise HistoryImportError(
            f"{path}: series {name!r} matches no tracked listing (by id, URL or SKU)",
            "name series by listing id, or pass --listing ID",
            zh=(
                f"{path}：序列 {name!r} 对不上任何跟踪中的商品链接（按编号、地址或 SKU）",
                "用商品链接编号命名序列，或加 --listing 编号",
            ),
        )
    return found


def _new_rows(
    session: Session, listing: Listing, series: PriceSeries, path: Path
) -> list[dict[str, Any]]:
    have = {
        observed.astimezone(UTC).date()
        for observed in session.exec(
            select(Observation.observed_at).where(
                Observation.listing_id == listing.id, Observation.source == "import"
            )
        )
    }
    rows = []
    for day, price in zip(series.days, series.prices, strict=True):
        if day in have:
            continue
        if price != price.quantize(_STORE_STEP):
            raise HistoryImportError(
                f"{path}: series {series.name!r} on {day}: price {price} has over 4 decimals",
                "round prices to at most 4 decimal places",
                zh=(
                    f"{path}：序列 {series.name!r} 在 {day}：价格 {price} 超过 4 位小数",
                    "价格最多保留 4 位小数",
                ),
            )
        rows.append(
            {
                "listing_id": listing.id,
                "observed_at": datetime.combine(day, IMPORT_TIME),
                "price": price,
                "currency": series.currency,
                "is_from_price": False,
                "source": "import",
            }
        )
    return rows
