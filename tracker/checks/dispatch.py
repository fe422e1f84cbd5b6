"""Due checks, taken from the store in small batches: the scheduler's work queue.

Each listing's next check time is `listing.next_check_at` (indexed). A stored check sets
it one interval ahead in the transaction that stores the observation
(`Checker._next_check`), so the schedule is exactly what was committed.

- plan: a listing never planned (`next_check_at` NULL: new, or from before the column)
  gets its first check spread over its interval by a deterministic offset of its id,
  or one interval after its last fetch when it has one. 10,000 new listings are never
  checked at once.
- claim: one write transaction selects due listings (`FOR UPDATE SKIP LOCKED` on
  PostgreSQL, so concurrent dispatchers on other machines skip each other's rows; SQLite
  serialises writers with `BEGIN IMMEDIATE`), hands out request turns per host from the
  host's `hostbudget` row (locked the same way, so a host's politeness holds across
  machines; a claim whose page this process must precede with the host's robots.txt
  takes two turns), and moves each taken listing's `next_check_at` to `now + claim_seconds`.
  That is a claim with an expiry: a process killed before storing the check leaves the
  listing due again when the claim lapses, and the check stored by a live process moves
  it a whole interval ahead. No row stays locked beyond the claim's transaction.
- turn: a request no claim's turn covers (a redirect, a retry, a confirming re-fetch)
  reserves one turn of its host's budget on its own (`reserve_turn`).
- load: how many listings each host has against how many checks its politeness delay
  allows within their interval (a host over budget falls behind; the service warns).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tracker.fetch.turns import turn_spacing
from tracker.store import db
from tracker.store.tables import HostBudget, Listing, ListingSummary, table_of, utcnow

_LISTING = table_of(Listing)
_HOST = table_of(HostBudget)
_SUMMARY = table_of(ListingSummary)
SCAN_FACTOR = 4  # due rows read per slot wanted, so one busy host does not starve others
_PLAN_CHUNK = 500


@dataclass(frozen=True)
class Claim:
    """A due listing this process took, and its turns at its host (host politeness): its
    page's, after the host's robots.txt's when this process must read that first."""

    listing_id: int
    host: str
    turns: tuple[datetime, ...]

    @property
    def start_at(self) -> datetime:
        """When the check's first request may start."""
        return self.turns[0]


@dataclass(frozen=True)
class HostLoad:
    """A host with more listings than its politeness delay lets be checked in time."""

    host: str
    listings: int
    capacity: int  # checks its delay allows within the listings' shortest interval
    delay_seconds: float


def host_of(url: str) -> str:
    """The politeness key of a listing's URL: host and port (`fetcher.host_key`'s form)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def first_offset(listing_id: int, interval: timedelta) -> timedelta:
    """A deterministic offset in [0, interval) for a listing's first check: the same on
    every machine and every restart, uniform over listings."""
    digest = hashlib.blake2b(str(listing_id).encode(), digest_size=8).digest()
    fraction = int.from_bytes(digest, "big") / 2**64
    return timedelta(seconds=fraction * interval.total_seconds())


def plan_new(engine: Engine, interval_of: Callable[[int | None], timedelta], now: datetime) -> int:
    """Give every active listing without a next check time its first one; returns how many."""
    due = sa.and_(_LISTING.c.active.is_(True), _LISTING.c.next_check_at.is_(None))
    query = (
        sa.select(_LISTING.c.id, _LISTING.c.check_interval_minutes, _SUMMARY.c.attempt_at)
        .outerjoin(_SUMMARY, _SUMMARY.c.listing_id == _LISTING.c.id)
        .where(due)
        .limit(_PLAN_CHUNK)
    )
    planned = 0
    while True:
        with db.session_scope(engine) as session:  # a read first: no write lock when idle
            rows = session.execute(query).all()
        if not rows:
            return planned
        with db.session_scope(engine, write=True) as session:
            for listing_id, minutes, fetched in rows:
                interval = interval_of(minutes)
                at = fetched + interval if fetched else now + first_offset(listing_id, interval)
                session.execute(
                    sa.update(_LISTING)
                    .where(_LISTING.c.id == listing_id, _LISTING.c.next_check_at.is_(None))
                    .values(next_check_at=at)
                )
        planned += len(rows)
        if len(rows) < _PLAN_CHUNK:
            return planned


def resume_claims(
    engine: Engine,
    interval_of: Callable[[int | None], timedelta],
    now: datetime,
    claim: timedelta,
) -> int:
    """Make due now the listings a dead exclusive service had claimed (SQLite: the one
    checking service starting knows no other holds claims): due within one claim, and
    not fetched for a whole interval. Returns how many."""
    query = (
        sa.select(_LISTING.c.id, _LISTING.c.check_interval_minutes, _SUMMARY.c.attempt_at)
        .outerjoin(_SUMMARY, _SUMMARY.c.listing_id == _LISTING.c.id)
        .where(_LISTING.c.next_check_at > now, _LISTING.c.next_check_at <= now + claim)
    )
    with db.session_scope(engine) as session:
        rows = session.execute(query).all()
    lost = [i for i, minutes, at in rows if at is None or at + interval_of(minutes) < now]
    if lost:
        with db.session_scope(engine, write=True) as session:
            session.execute(
                sa.update(_LISTING).where(_LISTING.c.id.in_(lost)).values(next_check_at=now)
            )
    return len(lost)


def next_due_at(engine: Engine) -> datetime | None:
    """When the next active listing falls due (None: none), a listing never planned
    counting as due already (it needs its first check time). One statement of two
    indexed reads and no write lock, so an idle service costs one per wake-up."""
    active = _LISTING.c.active.is_(True)
    earliest = (
        sa.select(_LISTING.c.next_check_at)
        .where(active, _LISTING.c.next_check_at.is_not(None))
        .order_by(_LISTING.c.next_check_at)
        .limit(1)
        .scalar_subquery()
    )
    unplanned = sa.exists().where(active, _LISTING.c.next_check_at.is_(None))
    with db.session_scope(engine) as session:
        due_at, never_planned = session.execute(sa.select(earliest, unplanned)).one()
    return datetime.min.replace(tzinfo=UTC) if never_planned else due_at


def any_due(engine: Engine, now: datetime) -> bool:
    """Whether some active listing is due."""
    due_at = next_due_at(engine)
    return due_at is not None and due_at <= now


def claim_due(
    engine: Engine,
    now: datetime,
    *,
    limit: int,
    delay_for: Callable[[str], float],
    horizon: timedelta,
    claim: timedelta,
    window: float = 0.0,
    lead: timedelta = timedelta(0),
    reads_robots_first: Callable[[str], bool] = lambda url: False,
) -> list[Claim]:
    """Take up to `limit` due listings whose hosts have request turns before `now + lead
    + horizon`, in one transaction (see the module docstring). Turns at a host are its
    delay plus two `window`s apart (`tracker.fetch.turns`: a request may start `window`
    late), and none starts before `now + lead`: the time a check's store reads take
    before its request (a turn that started while they ran would be missed).

    `reads_robots_first(url)`: whether this process must read the host's robots.txt
    before that page. That read is a request to the host too, and the page then waits
    the delay after it, past its own turn into the next one, which another machine may
    hold: so the first claim of such a host in a batch takes two turns."""
    if limit <= 0:
        return []
    query = (
        sa.select(_LISTING.c.id, _LISTING.c.url)
        .where(_due(now))
        .order_by(_LISTING.c.next_check_at)
        .limit(limit * SCAN_FACTOR)
        .with_for_update(skip_locked=True)
    )
    with db.session_scope(engine, write=True) as session:
        by_host: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for listing_id, url in session.execute(query):
            by_host[host_of(url)].append((listing_id, url))
        if not by_host:
            return []
        budgets = _lock_budgets(session, list(by_host), now)
        claims: list[Claim] = []
        for host, next_allowed in budgets.items():
            turn = max(now + lead, next_allowed)
            delay = delay_for(host.rpartition(":")[0])
            spacing = timedelta(seconds=turn_spacing(delay, window) if delay > 0 else 0.0)
            taken = 0
            for listing_id, url in by_host[host]:
                if len(claims) >= limit or turn >= now + lead + horizon:
                    break
                requests = 2 if not taken and reads_robots_first(url) else 1
                turns = tuple(turn + spacing * i for i in range(requests))
                claims.append(Claim(listing_id, host, turns))
                turn, taken = turn + spacing * requests, taken + 1
            if taken:
                budget = sa.update(_HOST).where(_HOST.c.host == host)
                session.execute(budget.values(next_allowed_at=turn))
        if claims:
            ids = [c.listing_id for c in claims]
            session.execute(
                sa.update(_LISTING).where(_LISTING.c.id.in_(ids)).values(next_check_at=now + claim)
            )
        return claims


def reserve_turn(engine: Engine, host: str, spacing: timedelta) -> datetime:
    """One request turn at `host` from its shared budget, the budget moved `spacing`
    past it. It waits for the budget row's lock (a dispatcher holds it for a moment)
    rather than skipping it: this request needs its turn, not some other host's."""
    with db.session_scope(engine, write=True) as session:
        session.execute(_insert_new(session, [{"host": host, "next_allowed_at": utcnow()}]))
        locked = sa.select(_HOST.c.next_allowed_at).where(_HOST.c.host == host).with_for_update()
        next_allowed: datetime = session.execute(locked).scalar_one()
        turn = max(utcnow(), next_allowed)
        budget = sa.update(_HOST).where(_HOST.c.host == host)
        session.execute(budget.values(next_allowed_at=turn + spacing))
    return turn


def _due(now: datetime) -> sa.ColumnElement[bool]:
    return sa.and_(_LISTING.c.active.is_(True), _LISTING.c.next_check_at <= now)


def _lock_budgets(session: Session, hosts: list[str], now: datetime) -> dict[str, datetime]:
    """The hosts' next allowed request times, rows locked for this transaction; a host
    another dispatcher is handing out right now is left out (it serves that host)."""
    rows = [{"host": host, "next_allowed_at": now} for host in hosts]
    session.execute(_insert_new(session, rows))
    query = (
        sa.select(_HOST.c.host, _HOST.c.next_allowed_at)
        .where(_HOST.c.host.in_(hosts))
        .with_for_update(skip_locked=True)
    )
    return {host: at for host, at in session.execute(query)}


def host_loads(
    engine: Engine,
    interval_of: Callable[[int | None], timedelta],
    delay_for: Callable[[str], float],
) -> list[HostLoad]:
    """Hosts whose active listings exceed what their politeness delay allows in time."""
    query = sa.select(_LISTING.c.url, _LISTING.c.check_interval_minutes).where(
        _LISTING.c.active.is_(True)
    )
    counts: dict[str, int] = defaultdict(int)
    shortest: dict[str, timedelta] = {}
    with db.session_scope(engine) as session:
        for url, minutes in session.execute(query):
            host = host_of(url)
            counts[host] += 1
            interval = interval_of(minutes)
            shortest[host] = min(shortest.get(host, interval), interval)
    loads = []
    for host, count in sorted(counts.items()):
        delay = delay_for(host.rpartition(":")[0])
        if delay <= 0:
            continue
        capacity = int(shortest[host].total_seconds() // delay)
        if count > capacity:
            loads.append(HostLoad(host, count, capacity, delay))
    return loads


def _insert_new(session: Session, rows: list[dict[str, object]]) -> sa.Executable:
    """INSERT ... ON CONFLICT DO NOTHING of host budget rows, in the store's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(_HOST).values(rows).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(_HOST).values(rows).on_conflict_do_nothing()
