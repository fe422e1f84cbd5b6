"""One checking service per store: a second `daoshou run` (or an app with its scheduler
on) must not check the same listings again, or each shop would see twice the requests the
politeness limits allow and every listing would be checked twice.

The lock is taken without waiting (`try_acquire`), so a second service can stand by and
take over when the first stops. It dies with its holder's process, even on SIGKILL:

- SQLite: an exclusive OS lock (flock / msvcrt) on `<database>.service.lock`;
- PostgreSQL: a session advisory lock held by one dedicated connection (shared by every
  machine using that database).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tracker import locations

_PG_SERVICE_KEY = 0x6461_6F72  # any constant; distinct from the migration lock's


class ServiceLock:
    """The right to check the store's listings; at most one holder at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._file: IO[bytes] | None = None
        self._connection: sa.Connection | None = None

    @property
    def held(self) -> bool:
        """Whether this object holds the lock."""
        return self._file is not None or self._connection is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free (True), else leave it to its holder (False)."""
        if self.held:
            return True
        if self.engine.dialect.name == "postgresql":
            return self._lock_postgres()
        return self._lock_file()

    def release(self) -> None:
        """Give the lock up (a no-op when not held)."""
        if self._file is not None:
            self._file.close()  # closing the file releases the OS lock
            self._file = None
        if self._connection is not None:
            give_up_advisory_lock(self._connection, _PG_SERVICE_KEY)
            self._connection = None

    def _lock_file(self) -> bool:
        database = self.engine.url.database
        if not database or database == ":memory:":
            return True  # a private in-memory store: no other process can see it
        handle = hold_lock_file(locations.service_lock_file(Path(database)))
        if handle is None:
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._file = handle
        return True

    def _lock_postgres(self) -> bool:
        self._connection = take_advisory_lock(self.engine, _PG_SERVICE_KEY)
        return self._connection is not None


def take_advisory_lock(engine: Engine, *key: int) -> sa.Connection | None:
    """A PostgreSQL session advisory lock on `key` (one or two integers), taken without
    waiting and held by a connection of its own, outside any transaction, until
    `give_up_advisory_lock`; None when another session holds it. The lock dies with its
    holder's connection, even on SIGKILL."""
    connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    arguments, values = _lock_key(key)
    if connection.scalar(sa.text(f"SELECT pg_try_advisory_lock({arguments})"), values):
        return connection
    connection.close()
    return None


def give_up_advisory_lock(connection: sa.Connection, *key: int) -> None:
    """Unlock explicitly, then drop the connection. A closed connection's backend frees
    the lock only when it exits, a moment later (a process polling for it then would miss
    it), and back in the pool the connection would still hold the session lock."""
    arguments, values = _lock_key(key)
    with contextlib.suppress(sa.exc.SQLAlchemyError):
        connection.execute(sa.text(f"SELECT pg_advisory_unlock({arguments})"), values)
    connection.invalidate()
    connection.close()


def _lock_key(key: tuple[int, ...]) -> tuple[str, dict[str, int]]:
    """The bind parameters of an advisory lock's key: ":k0, :k1" and their values."""
    return ", ".join(f":k{n}" for n in range(len(key))), {f"k{n}": k for n, k in enumerate(key)}


def hold_lock_file(path: Path) -> IO[bytes] | None:
    """An exclusive OS lock on `path` (created if missing), held while the returned file
    stays open and dropped with its process even on SIGKILL; None when another holds it."""
    handle = open(path, "a+b")  # noqa: SIM115  (held open for as long as the lock)
    try:
        _exclusive(handle)
    except OSError:
        handle.close()
        return None
    return handle


def _exclusive(handle: IO[bytes]) -> None:
    """Take an exclusive, non-blocking lock on an open file (OSError if it is held)."""
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
