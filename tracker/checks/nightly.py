"""The nightly forecast refresh, shared between the processes that run it on one store.

Every `daoshou run` runs the nightly refresh: on PostgreSQL several machines run the
service together, and on SQLite a service standing by runs the periodic jobs too. Each
would refit every changed listing: the same forecasts, computed once per process. So the
active listings are taken in parts of `PART_LISTINGS` consecutive ids, and a process
refreshes a part only while it holds the part's claim, passing over a part another holds:

- PostgreSQL: a session advisory lock per part (`pg_try_advisory_lock(key, part)`) on a
  connection kept for the part. The lock dies with its holder, even on SIGKILL, so a part
  left half done is taken by the next process that comes to it (or the next night).
- SQLite: the store lives on one machine; the whole refresh is claimed by a lock file
  beside the database, so a second service leaves the night's refresh to the first.

A part another process already refreshed tonight costs only its reads: its fingerprints
have not moved, so `needs_refit` refits nothing. A part's series are in memory only while
it is refreshed (at 10,000 listings, holding every series at once took about 1.4 GB), and
one pool of worker processes serves every part (`planner.forecast.batch.Workers`).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from planner.forecast import Calendar
from planner.forecast.batch import ForecastRequest, Workers, forecast_many
from planner.forecast.fakes import detect_fake_discount
from planner.forecast.fingerprint import needs_refit, read_stored_key, stored_key
from tracker import locations
from tracker.checks.forecasts import (
    UPCOMING_DAYS,
    UPCOMING_PER_LISTING,
    Stored,
    comparables_of,
    fingerprint_of,
    listing_series,
    store_forecasts,
    struck_price,
    user_calendar,
)
from tracker.checks.service_lock import (
    give_up_advisory_lock,
    hold_lock_file,
    take_advisory_lock,
)
from tracker.store import db
from tracker.store.tables import ForecastRecord, Listing

PART_LISTINGS = 250  # listings per claimed part: ids [n * 250, (n + 1) * 250)
_PG_FORECAST_KEY = 0x6461_6F66  # the advisory lock class of the parts; distinct from others


@dataclass(frozen=True)
class RefreshSummary:
    """What a forecast run did: fitted, skipped as unchanged, failed (with reasons), and
    the parts of the listings left to other processes that held them."""

    made: int
    skipped: int
    failed: tuple[str, ...]
    parts_passed: int = 0


def refresh_forecasts_in(database_url: str, today: date) -> RefreshSummary:
    """`refresh_forecasts` in this process on the store at `database_url` (for a child)."""
    return refresh_forecasts(db.open_engine(database_url), user_calendar(), today, workers=1)


def refresh_forecasts(
    engine: Engine, calendar: Calendar, today: date, workers: int | None = None
) -> RefreshSummary:
    """Forecast every active listing's coming sales, part by part, the parts this process
    can claim; refit only those `needs_refit` names."""
    made, skipped, passed = 0, 0, 0
    failed: list[str] = []
    with _whole_refresh(engine) as claimed, Workers(workers) as pool:
        if not claimed:
            return RefreshSummary(0, 0, (), len(_parts(engine)))
        for part, ids in _parts(engine).items():
            with _part_claimed(engine, part) as mine:
                if not mine:
                    passed += 1
                    continue
                done = _refresh_part(engine, calendar, today, ids, pool)
            made, skipped = made + done.made, skipped + done.skipped
            failed.extend(done.failed)
    return RefreshSummary(made, skipped, tuple(failed), passed)


def _parts(engine: Engine) -> dict[int, list[int]]:
    """The active listings' ids by part, the parts in an order of this process's own (a
    random rotation): processes starting together then begin in different places."""
    with db.session_scope(engine) as session:
        ids = session.exec(
            select(col(Listing.id)).where(col(Listing.active).is_(True)).order_by(col(Listing.id))
        ).all()
    parts: dict[int, list[int]] = {}
    for listing_id in ids:
        parts.setdefault((listing_id or 0) // PART_LISTINGS, []).append(listing_id or 0)
    order = list(parts)
    start = random.randrange(len(order)) if order else 0
    return {part: parts[part] for part in order[start:] + order[:start]}


def _refresh_part(
    engine: Engine, calendar: Calendar, today: date, ids: Sequence[int], pool: Workers
) -> RefreshSummary:
    """Forecast the coming sales of the listings `ids`, refitting only what changed."""
    requests: list[tuple[int, ForecastRequest, str]] = []
    unchanged: set[str] = set()
    struck: dict[tuple[int, str], Decimal | None] = {}
    with db.session_scope(engine) as session:
        records = select(ForecastRecord).where(col(ForecastRecord.listing_id).in_(ids))
        stored = {(r.listing_id, r.event_key): r.inputs_hash for r in session.exec(records)}
        for listing in session.exec(select(Listing).where(col(Listing.id).in_(ids))):
            series = listing_series(session, listing)
            if not series.days:
                continue
            upcoming = calendar.occurrences(
                listing.platform, today + timedelta(days=1), today + timedelta(days=UPCOMING_DAYS)
            )[:UPCOMING_PER_LISTING]
            for target in upcoming:
                listing_id = listing.id or 0
                comparables = comparables_of(session, listing, series, target, calendar)
                request = ForecastRequest(series, target, tuple(comparables))
                struck[(listing_id, target.key)] = struck_price(session, listing_id, series, target)
                current = fingerprint_of(series, target, calendar)
                fingerprint, as_of = read_stored_key(stored.get((listing_id, target.key)))
                if not needs_refit(fingerprint, current, as_of, series.last_day):
                    unchanged.add(request.inputs_hash)
                requests.append((listing_id, request, stored_key(current, series.last_day)))
    outcomes = forecast_many([r for _, r, _ in requests], calendar, unchanged, pool)
    failed: list[str] = []
    fresh: list[Stored] = []
    for (listing_id, request, key), outcome in zip(requests, outcomes, strict=True):
        if outcome.forecast is not None:
            list_price = struck[(listing_id, request.target.key)]
            fake = detect_fake_discount(request.series, request.target, list_price)
            fresh.append((listing_id, outcome.forecast, fake, key))
        elif outcome.error:
            failed.append(f"listing {listing_id}, {request.target.key}: {outcome.error}")
    store_forecasts(engine, fresh)
    skipped = sum(1 for o in outcomes if o.skipped)
    return RefreshSummary(len(outcomes) - skipped - len(failed), skipped, tuple(failed))


@contextlib.contextmanager
def _part_claimed(engine: Engine, part: int) -> Iterator[bool]:
    """Whether this process holds `part` for the block (always, on SQLite: the whole
    refresh is claimed there; on PostgreSQL, while it holds the part's advisory lock)."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    connection = take_advisory_lock(engine, _PG_FORECAST_KEY, part)
    try:
        yield connection is not None
    finally:
        if connection is not None:
            give_up_advisory_lock(connection, _PG_FORECAST_KEY, part)


@contextlib.contextmanager
def _whole_refresh(engine: Engine) -> Iterator[bool]:
    """Whether this process may run the refresh at all: on SQLite, while it holds the lock
    file beside the database; always on PostgreSQL (parts are claimed one by one) and for
    a store no other process can open (in memory)."""
    database = engine.url.database
    if engine.dialect.name == "postgresql" or not database or database == ":memory:":
        yield True
        return
    handle = hold_lock_file(locations.forecast_lock_file(Path(database)))
    try:
        yield handle is not None
    finally:
        if handle is not None:
            handle.close()
