"""Writing what a check learned: its fetch attempts, observation, page validators and
next check time in one transaction, and bulk appends of a price history.

Part of `tracker.store.repository.Repository`. Writes that must stay together are written
together: a check's observation, its fetch attempt, the page validators and the alerts
they raise commit in one transaction or not at all, so a crash can never leave an alert
without its observation or an observation without its attempt.

Bulk appends (importing a price history) go through `tracker.store.bulk.insert_many`:
one DBAPI executemany per chunk of a statement compiled once, in the transaction that
then rebuilds the listing's summary and daily roll-up (docs/storage.md has the numbers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from itertools import islice

import sqlalchemy as sa
from sqlmodel import Session

from planner.display import display_text
from tracker.store import db, summary
from tracker.store.bulk import insert_many
from tracker.store.listings import ListingStore, adopt_title
from tracker.store.tables import FetchAttempt, Listing, Observation, PageValidator, table_of
from tracker.store.views import (
    NewFetchAttempt,
    NewObservation,
    NextCheck,
    ObservationView,
    Validators,
)

#: Called inside a check's transaction with the new observation (alerts hook in here).
ObservationHook = Callable[[Session, Observation], object]

MAX_TITLE = 300  # as extraction keeps it: a longer "title" is a page run together

_BULK_CHUNK = 1000
# What a 304 repeats from the observation the validators belong to (all but the time).
_REPEATED_FIELDS = tuple(f.name for f in fields(NewObservation) if f.name != "observed_at")


class CheckRecording(ListingStore):
    """Storing checks and imported histories."""

    def record_check(
        self,
        listing_id: int,
        attempts: Sequence[NewFetchAttempt],
        observation: NewObservation | None,
        *,
        validators: Validators | None = None,
        forget_validators: bool = False,
        on_observation: ObservationHook | None = None,
        next_check: NextCheck | None = None,
    ) -> ObservationView | None:
        """Store one check in ONE transaction: its fetch attempts, the observation (None when
        the fetch failed and nothing was learned), the page validators for the next
        conditional request, whatever `on_observation` writes (the alert outbox), and the
        listing's next check time with its check lease cleared (`next_check`), so a process
        killed after the commit neither loses nor repeats the check.

        `validators` are remembered against the new observation; `forget_validators`
        drops them (the page's content must be fetched and read again next time).
        """
        with db.session_scope(self.engine, write=True) as session:
            _add_attempts(session, listing_id, attempts)
            _reschedule(session, listing_id, next_check)
            if observation is None:
                if forget_validators:
                    _forget_validators(session, listing_id)
                return None
            fields = asdict(observation)
            fields["title"] = display_text(observation.title, limit=MAX_TITLE) or None
            row = Observation(listing_id=listing_id, **fields)
            session.add(row)
            session.flush()
            summary.note_observation(session, row)
            if row.title and observation.price is not None:
                adopt_title(session, listing_id, row.title)
            if validators is not None:
                _remember_validators(session, listing_id, validators, row.id)
            elif forget_validators:
                _forget_validators(session, listing_id)
            if on_observation is not None:
                on_observation(session, row)
            return ObservationView.of(row)

    def record_not_modified(
        self,
        listing_id: int,
        attempts: Sequence[NewFetchAttempt],
        *,
        observed_at: datetime,
        on_observation: ObservationHook | None = None,
        next_check: NextCheck | None = None,
    ) -> ObservationView | None:
        """A 304: re-record the observation the validators belong to, at `observed_at`
        (and reschedule as `record_check` does).

        Returns None (and stores only the attempt) if that observation is gone.
        """
        with db.session_scope(self.engine, write=True) as session:
            _add_attempts(session, listing_id, attempts)
            _reschedule(session, listing_id, next_check)
            validator = session.get(PageValidator, listing_id)
            previous = (
                session.get(Observation, validator.observation_id)
                if validator is not None and validator.observation_id is not None
                else None
            )
            if previous is None:
                return None
            copied = {name: getattr(previous, name) for name in _REPEATED_FIELDS}
            row = Observation(listing_id=listing_id, observed_at=observed_at, **copied)
            session.add(row)
            session.flush()
            summary.note_observation(session, row)
            if on_observation is not None:
                on_observation(session, row)
            return ObservationView.of(row)

    def import_observations(self, listing_id: int, observations: Iterable[NewObservation]) -> int:
        """Append many observations to a listing in one transaction; returns how many."""
        self.get_listing(listing_id)
        table = table_of(Observation)
        count = 0
        names = [f.name for f in fields(NewObservation)]
        # Not `asdict`: it deep-copies every value, the slowest step of a bulk import.
        rows = (
            {"listing_id": listing_id, **{n: getattr(o, n) for n in names}} for o in observations
        )
        with db.session_scope(self.engine, write=True) as session:
            while chunk := list(islice(rows, _BULK_CHUNK)):
                insert_many(session.connection(), table, chunk)
                count += len(chunk)
            summary.rebuild(session.connection(), [listing_id])
        return count


def _add_attempts(session: Session, listing_id: int, attempts: Sequence[NewFetchAttempt]) -> None:
    for attempt in attempts:
        row = FetchAttempt(listing_id=listing_id, **asdict(attempt))
        session.add(row)
        session.flush()
        summary.note_attempt(session, row)


def _reschedule(session: Session, listing_id: int, next_check: NextCheck | None) -> None:
    """Set the listing's next check time and clear the check lease its checker holds."""
    if next_check is None:
        return
    listing = table_of(Listing)
    session.execute(
        sa.update(listing).where(listing.c.id == listing_id).values(next_check_at=next_check.at)
    )
    if next_check.lease_owner is not None:
        mine = sa.and_(listing.c.id == listing_id, listing.c.check_owner == next_check.lease_owner)
        session.execute(sa.update(listing).where(mine).values(check_owner=None, check_until=None))


def _remember_validators(
    session: Session, listing_id: int, validators: Validators, observation_id: int | None
) -> None:
    row = session.get(PageValidator, listing_id) or PageValidator(listing_id=listing_id)
    row.etag = validators.etag
    row.last_modified = validators.last_modified
    row.observation_id = observation_id
    session.add(row)


def _forget_validators(session: Session, listing_id: int) -> None:
    row = session.get(PageValidator, listing_id)
    if row is not None:
        session.delete(row)
