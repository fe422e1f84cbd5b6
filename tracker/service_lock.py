"""One tracker service per store: a second `daoshou run` (or an app with its scheduler on)
must not check the same listings again, or each shop would see twice the requests the
politeness limits allow and every listing would be checked twice.

The lock lives as long as the service and dies with its process, even on SIGKILL:

- SQLite: an exclusive OS lock (flock / msvcrt) on `<database>.service.lock`;
- PostgreSQL: a session advisory lock held by one dedicated connection (shared by every
  machine using that database).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tracker.errors import StoreError

_PG_SERVICE_KEY = 0x6461_6F72  # any constant; distinct from the migration lock's


class ServiceLock:
    """Held while a tracker service runs; `StoreError` if another service holds it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._file: IO[bytes] | None = None
        self._connection: sa.Connection | None = None

    def __enter__(self) -> Self:
        if self.engine.dialect.name == "sqlite":
            self._lock_file()
        elif self.engine.dialect.name == "postgresql":
            self._lock_postgres()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the OS lock
            self._file = None
        if self._connection is not None:
            # The connection would go back to the pool still holding the session lock.
            self._connection.invalidate()
            self._connection.close()
            self._connection = None

    def _lock_file(self) -> None:
        database = self.engine.url.database
        if not database or database == ":memory:":
            return
        handle = open(Path(database).with_name(Path(database).name + ".service.lock"), "a+b")  # noqa: SIM115
        try:
            _exclusive(handle)
        except OSError:
            handle.close()
            raise _busy() from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()).encode())
        handle.flush()
        self._file = handle

    def _lock_postgres(self) -> None:
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.scalar(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": _PG_SERVICE_KEY})
        if not got:
            connection.close()
            raise _busy()
        self._connection = connection


def _exclusive(handle: IO[bytes]) -> None:
    """Take an exclusive, non-blocking lock on an open file (OSError if it is held)."""
    if os.name == "nt":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def _busy() -> StoreError:
    return StoreError(
        "another daoshou service is already checking the listings of this store",
        "leave the checks to it, or stop it (Ctrl-C in its terminal) and start again",
    )
