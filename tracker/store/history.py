"""Reading what the store recorded about listings: their observations (a page at a
time), the daily roll-up, and the newest observation and fetch of each through its summary.

Part of `tracker.store.repository.Repository`; reads only.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from tracker.store import db
from tracker.store.listings import ListingStore
from tracker.store.tables import (
    FetchAttempt,
    ListingSummary,
    Observation,
    ObservationDaily,
    PageValidator,
    table_of,
)
from tracker.store.views import (
    DailyView,
    FetchAttemptView,
    ObservationView,
    Validators,
    field_names,
    summary_column,
)

_Latest = TypeVar("_Latest", ObservationView, FetchAttemptView)


class HistoryReads(ListingStore):
    """A listing's history, its latest observation and fetch, its page validators."""

    def history(
        self,
        listing_id: int,
        *,
        since: datetime | None = None,
        before: datetime | None = None,
        limit: int | None = None,
    ) -> list[ObservationView]:
        """A listing's observations, oldest first: the newest `limit` observed before
        `before` (a page; the next page is before the first one's time)."""
        self.get_listing(listing_id)
        query = select(Observation).where(Observation.listing_id == listing_id)
        if since is not None:
            query = query.where(col(Observation.observed_at) >= since)
        if before is not None:
            query = query.where(col(Observation.observed_at) < before)
        query = query.order_by(col(Observation.observed_at).desc(), col(Observation.id).desc())
        if limit is not None:
            query = query.limit(limit)
        with db.session_scope(self.engine) as session:
            rows = [ObservationView.of(row) for row in session.exec(query)]
        return rows[::-1]

    def daily_history(
        self, listing_id: int, *, before: str | None = None, limit: int | None = None
    ) -> list[DailyView]:
        """A listing's daily roll-up (first, last, lowest, highest price of each UTC day),
        oldest first: the newest `limit` days before the day `before` (YYYY-MM-DD)."""
        self.get_listing(listing_id)
        daily = table_of(ObservationDaily)  # plain rows: a chart reads ~730 of them
        query = sa.select(daily).where(daily.c.listing_id == listing_id)
        if before is not None:
            query = query.where(daily.c.day < before)
        query = query.order_by(daily.c.day.desc(), daily.c.currency)
        if limit is not None:
            query = query.limit(limit)
        with db.session_scope(self.engine) as session:
            rows = [DailyView.of(row) for row in session.execute(query)]
        return rows[::-1]

    def latest_observations(self, listing_ids: Iterable[int] | None) -> dict[int, ObservationView]:
        """The newest observation of each listing (None: of every listing) that has one,
        as its summary keeps it."""
        with db.session_scope(self.engine) as session:
            return _latest(session, ObservationView, listing_ids)

    def latest_attempts(self, listing_ids: Iterable[int] | None) -> dict[int, FetchAttemptView]:
        """The newest fetch attempt of each listing (None: of every listing) that has one,
        as its summary keeps it."""
        with db.session_scope(self.engine) as session:
            return _latest(session, FetchAttemptView, listing_ids)

    def last_priced_observation(self, listing_id: int) -> ObservationView | None:
        """The newest observation that has a price: the baseline for the sanity check."""
        with db.session_scope(self.engine) as session:
            rows = _through_summary(session, Observation, ListingSummary.priced_id, [listing_id])
            return ObservationView.of(rows[0]) if rows else None

    def validators(self, listing_id: int) -> Validators | None:
        """ETag/Last-Modified for a conditional request, when a reusable observation exists."""
        with db.session_scope(self.engine) as session:
            row = session.get(PageValidator, listing_id)
            if row is None or row.observation_id is None:
                return None
            if row.etag is None and row.last_modified is None:
                return None
            return Validators(row.etag, row.last_modified)

    def recent_attempts(self, listing_id: int, limit: int = 20) -> list[FetchAttemptView]:
        """A listing's latest fetch attempts, newest first, for diagnosis."""
        query = (
            select(FetchAttempt)
            .where(FetchAttempt.listing_id == listing_id)
            .order_by(col(FetchAttempt.started_at).desc(), col(FetchAttempt.id).desc())
            .limit(limit)
        )
        with db.session_scope(self.engine) as session:
            return [FetchAttemptView.of(row) for row in session.exec(query)]

    def last_attempt_times(self) -> dict[int, datetime]:
        """When each listing was last fetched (listings never fetched are absent)."""
        query = select(ListingSummary.listing_id, ListingSummary.attempt_at).where(
            col(ListingSummary.attempt_at).is_not(None)
        )
        with db.session_scope(self.engine) as session:
            return dict(session.exec(query).all())  # type: ignore[arg-type]


def _latest(
    session: Session, view: type[_Latest], listing_ids: Iterable[int] | None
) -> dict[int, _Latest]:
    """The latest observation or fetch attempt (`view`) of each listing that has one, read
    from the copy its summary keeps: one row per listing."""
    summary = table_of(ListingSummary)
    query = sa.select(
        *(summary.c[summary_column(view, name)].label(name) for name in field_names(view))
    ).where(summary.c[summary_column(view, "id")].is_not(None))
    if listing_ids is not None:
        ids = list(listing_ids)
        if not ids:
            return {}
        query = query.where(summary.c.listing_id.in_(ids))
    return {row.listing_id: view.of(row) for row in session.execute(query)}


def _through_summary(
    session: Session,
    model: type[Observation] | type[FetchAttempt],
    pointer: Any,
    listing_ids: Iterable[int] | None,
) -> list[Any]:
    """The rows the listings' summaries (None: all summaries) point at, one key lookup
    per listing, as plain rows: building an ORM instance per listing was most of
    `daoshou list` at 10,000 listings."""
    table = table_of(model)
    query = sa.select(table).join(ListingSummary, col(pointer) == table.c.id)
    if listing_ids is not None:
        ids = list(listing_ids)
        if not ids:
            return []
        query = query.where(col(ListingSummary.listing_id).in_(ids))
    return list(session.execute(query))
