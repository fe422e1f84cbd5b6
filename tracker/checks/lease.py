"""The check lease: one check of a listing at a time, across every process sharing a store.

Within one process the `Checker` refuses a second check of a listing it is checking; the
lease makes the rule hold between processes too (`daoshou check` while `daoshou run` or
the app's scheduler runs, the app's "check now" beside its own scheduler, two machines on
one PostgreSQL store). It lives in two columns of the listing:

- claim: one conditional UPDATE in a write transaction sets `check_owner` and
  `check_until` where the lease is free (no owner, or expired). SQLite serialises writers
  (`BEGIN IMMEDIATE`) and PostgreSQL re-checks the WHERE clause after locking the row, so
  of two claimants exactly one changes the row.
- keep: while the check runs its holder moves `check_until` forward every quarter of the
  lease, because a check can wait a long time behind a host's politeness delay.
- release: after the check has committed (or failed), the holder clears both columns,
  only if it still holds the lease.
- expiry: a process killed mid-check stops renewing, so its lease lapses after
  `LEASE_SECONDS` and nobody waits forever. A process on the same machine does not even
  wait that long: a lease whose owner process no longer exists there is taken over at once
  (one conditional UPDATE naming the dead owner), so a restarted `daoshou run` checks what
  the killed one was checking. Owners are `host:pid:token`; a process that cannot tell
  (another machine, or Windows) waits for the expiry.

The lease guards no data: a check's observation is written in its own transaction, so a
kill at any point loses nothing committed, and a lapsed lease only delays one listing.
Times are each process's own clock: machines sharing a PostgreSQL store should keep their
clocks synchronised (NTP) to well within `LEASE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tracker.errors import StoreError
from tracker.store import db
from tracker.store.tables import Listing, table_of, utcnow

log = logging.getLogger("daoshou.check")

LEASE_SECONDS = 120.0
_LISTING = table_of(Listing)


class CheckLeases:
    """The leases one checker takes on listings, all under one owner id."""

    def __init__(
        self,
        engine: Engine,
        *,
        lease_seconds: float = LEASE_SECONDS,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.engine = engine
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.lease = timedelta(seconds=lease_seconds)
        self._clock = clock

    def claim(self, listing_id: int) -> bool:
        """Take the listing's lease if it is free, expired, or its owner here is dead."""
        now = self._clock()
        free = sa.or_(_LISTING.c.check_owner.is_(None), _LISTING.c.check_until <= now)
        if self._update(listing_id, free, check_owner=self.owner, check_until=now + self.lease):
            return True
        holder = self.holder(listing_id)
        if holder is None or not _gone(holder):
            return False
        log.info("listing %s: taking over the check lease of ended process %s", listing_id, holder)
        taken = _LISTING.c.check_owner == holder
        return self._update(listing_id, taken, check_owner=self.owner, check_until=now + self.lease)

    def renew(self, listing_id: int) -> bool:
        """Move the lease's end forward; False if this checker no longer holds it."""
        mine = _LISTING.c.check_owner == self.owner
        return self._update(listing_id, mine, check_until=self._clock() + self.lease)

    def release(self, listing_id: int) -> None:
        """Give the lease up (nothing happens if another owner has it by now)."""
        mine = _LISTING.c.check_owner == self.owner
        self._update(listing_id, mine, check_owner=None, check_until=None)

    def holder(self, listing_id: int) -> str | None:
        """The owner of the listing's lease, or None when it is free or expired."""
        query = sa.select(_LISTING.c.check_owner).where(
            _LISTING.c.id == listing_id, _LISTING.c.check_until > self._clock()
        )
        owner: str | None = db.read_value(self.engine, query)
        return owner

    @contextlib.asynccontextmanager
    async def kept(self, listing_id: int) -> AsyncIterator[None]:
        """Hold a claimed lease for the body: renew it while the body runs, then release."""
        renewing = asyncio.create_task(self._renew_until_cancelled(listing_id))
        try:
            yield
        finally:
            renewing.cancel()
            try:
                await asyncio.to_thread(self.release, listing_id)
            except StoreError as exc:
                log.warning("listing %s: lease not released (%s); it expires", listing_id, exc)

    async def _renew_until_cancelled(self, listing_id: int) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 4)
            try:
                held = await asyncio.to_thread(self.renew, listing_id)
            except StoreError as exc:
                # The lease outlasts three more tries; a store that stays away loses it.
                log.warning("listing %s: lease not renewed (%s)", listing_id, exc)
                continue
            if not held:
                log.warning(
                    "listing %s: check lease lost (this process stalled past its end);"
                    " another process may check it at the same time",
                    listing_id,
                )
                return

    def _update(self, listing_id: int, condition: sa.ColumnElement[bool], **values: object) -> bool:
        statement = (
            sa.update(_LISTING).where(_LISTING.c.id == listing_id, condition).values(**values)
        )
        return db.write_rows(self.engine, statement) == 1


def describe_owner(owner: str) -> str:
    """Who holds a lease, for people: "another daoshou process (pid 4242 on nas)", or
    "another check in this process" (the app's "check now" meeting its scheduler's)."""
    host, pid = _host_and_pid(owner)
    if host == socket.gethostname() and pid == os.getpid():
        return "another check in this process"
    where = f"pid {pid} on {host}" if pid is not None else owner
    return f"another daoshou process ({where})"


def _host_and_pid(owner: str) -> tuple[str, int | None]:
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    return host, int(pid) if pid.isdigit() else None


def _gone(owner: str) -> bool:
    """Whether `owner` was a process of this machine that no longer exists.

    Only a definite "no such process" counts: another machine's process, an unreadable
    owner, a process we may not signal, or Windows (no signal 0) means "maybe alive".
    """
    host, pid = _host_and_pid(owner)
    if os.name == "nt" or host != socket.gethostname() or pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False
