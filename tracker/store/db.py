"""The database engine and its sessions: SQLite by default, PostgreSQL on request.

Nothing is created at import time. `open_engine()` builds the engine for
`locations.database_url()` (or the URL given), brings the schema to the newest migration
and caches the engine per URL for the life of the process.

SQLite is tuned for one user with a daemon and a terminal app open at once: WAL (readers
never block the writer), a busy timeout (writers queue instead of failing), foreign keys
on, `synchronous=NORMAL` (WAL keeps every committed transaction across a process crash).
Write transactions start with `BEGIN IMMEDIATE`: a deferred transaction that reads and
then writes fails at once with SQLITE_BUSY when another process committed in between,
whereas an immediate one waits for the lock under the busy timeout.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from tracker import locations
from tracker.errors import StoreError

BUSY_TIMEOUT_MS = 30_000
_IMMEDIATE = "daoshou_begin_immediate"

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def open_engine(url: str | None = None) -> Engine:
    """The migrated engine for `url` (default: the user's store), created once per process."""
    url = url or locations.database_url()
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = create_engine(url)
            try:
                from tracker.store.migrations import upgrade_to_head

                upgrade_to_head(engine)
            except Exception:
                engine.dispose()
                raise
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every cached engine (tests, and before a process forks or exits)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def create_engine(url: str) -> Engine:
    """A configured but not yet migrated engine; StoreError if the URL is unusable."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"invalid database URL {_masked(url)!r}",
            f"fix {locations.DATABASE_URL_ENV} (e.g. postgresql+psycopg://user@host/db)",
            zh=(
                f"无效的数据库地址 {_masked(url)!r}",
                f"修正 {locations.DATABASE_URL_ENV}（例如 postgresql+psycopg://user@host/db）",
            ),
        ) from exc
    if parsed.drivername in ("postgresql", "postgres"):
        # Plain PostgreSQL URLs mean psycopg 3, the driver daoshou ships with.
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        if parsed.get_backend_name() == "sqlite":
            _private_database(parsed.database)
            engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            _configure_sqlite(engine)
        else:
            engine = sa.create_engine(parsed, pool_pre_ping=True)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(
            f"cannot use database {_masked(url)}: {_first_line(exc)}",
            "check the URL and that its driver is installed (pip install 'daoshou[postgres]')",
            zh=(
                f"无法使用数据库 {_masked(url)}：{_first_line(exc)}",
                "检查地址，以及是否装了它的驱动（pip install 'daoshou[postgres]'）",
            ),
        ) from exc
    return engine


def _private_database(database: str | None) -> None:
    """Create the SQLite file owner-only before SQLite does (its WAL and shared-memory
    files take the same mode); an unusable path is left for SQLite to report."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    if not Path(database).parent.is_dir():
        return  # a store in a missing directory stays an error, not a new directory
    with contextlib.suppress(OSError):
        locations.private_file(Path(database))


def _enable_wal(cursor: Any) -> None:
    """Switch the file to WAL (it stays so). Several processes opening a new file at once
    race for the switch, and SQLite reports "database is locked" at once rather than
    through the busy handler, so the switch is retried until the busy timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _configure_sqlite(engine: Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so `_on_begin` decides the mode.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine, with transactions that take SQLite's write lock when they begin."""
    return engine.execution_options(**{_IMMEDIATE: True})


@contextmanager
def session_scope(engine: Engine, *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on error, StoreError on DB failure."""
    session = Session(writer(engine) if write else engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise StoreError(
            f"database error: {_first_line(exc)}",
            "check that the database is reachable and not full; the change was not saved",
            zh=(
                f"数据库错误：{_first_line(exc)}",
                "检查数据库能否连上、是否已满；这次更改没有保存",
            ),
        ) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def read_value(engine: Engine, query: sa.Select[Any]) -> Any:
    """One unit of work that reads one value (None when no row matches)."""
    with session_scope(engine) as session:
        return session.execute(query).scalar()


def write_rows(engine: Engine, statement: sa.Update | sa.Delete) -> int:
    """One unit of work that runs an UPDATE or DELETE; how many rows it changed."""
    with session_scope(engine, write=True) as session:
        return rows_changed(session, statement)


def rows_changed(session: Session, statement: sa.Update | sa.Delete) -> int:
    """Run an UPDATE or DELETE in the session; how many rows it changed.

    A compare-and-set (claim a lease, claim a delivery) is only as good as this count.
    """
    result = session.execute(statement)
    if not isinstance(result, sa.CursorResult):
        raise TypeError("an UPDATE or DELETE returns a cursor result")
    return result.rowcount


def _masked(url: str) -> str:
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<unparsable URL>"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
