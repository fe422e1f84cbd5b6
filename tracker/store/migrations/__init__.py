"""Schema migrations (alembic), driven from code: opening a store upgrades it to head.

There is no alembic.ini: `alembic_config()` points alembic at this directory and hands it
an open connection. Revisions live in `versions/`; the test suite checks that they
produce exactly the tables of `tracker.store.tables` (APScheduler's job table excepted, it is
created by APScheduler itself).

To write a revision after changing `tracker/store/tables.py`:

    .venv/bin/python -m tracker.store.migrations revision "add listing.note"

which autogenerates against a scratch SQLite database at the current head, then set
`HEAD_REVISION` (in `tracker/store/revision.py`) to its id (a test checks they agree).

Alembic is imported only when a migration is due: opening a store that is at
`HEAD_REVISION` costs one query (`schema_revision`), not alembic's import and its own
inspection of the database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from tracker.errors import StoreError
from tracker.store.revision import HEAD_REVISION as HEAD_REVISION

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).resolve().parent
# Tables in the database that the migrations do not own.
FOREIGN_TABLES = frozenset({"apscheduler_jobs"})
# Serialises concurrent first opens of one PostgreSQL database (any constant will do).
_PG_LOCK_KEY = 0x6461_6F73


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An alembic Config for this directory, optionally bound to an open connection."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision in `versions/`, as alembic reads it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_revision(engine: Engine) -> str | None:
    """The database's revision in one query; None when it has none yet (or is unreadable:
    the upgrade that follows then says why)."""
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


def upgrade_to_head(engine: Engine) -> None:
    """Bring the database to the newest revision; StoreError when that is impossible."""
    if schema_revision(engine) != HEAD_REVISION:
        upgrade(engine, "head")


def upgrade(engine: Engine, revision: str) -> None:
    """Upgrade to `revision` inside one locked transaction, so concurrent opens are safe."""
    from alembic import command
    from alembic.util.exc import CommandError

    from tracker.store.db import writer

    try:
        with writer(engine).begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
            command.upgrade(alembic_config(connection), revision)
    except CommandError as exc:
        raise StoreError(
            f"cannot migrate the database {engine.url.render_as_string()}: {exc}",
            "it was probably written by a newer daoshou; upgrade daoshou",
            zh=(
                f"无法迁移数据库 {engine.url.render_as_string()}：{exc}",
                "它可能由更新版本的 daoshou 写入；请升级 daoshou",
            ),
        ) from exc
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise StoreError(
            f"cannot open the database {engine.url.render_as_string()}: {reason}",
            "check the path or DAOSHOU_DATABASE_URL, the permissions and free disk space",
            zh=(
                f"无法打开数据库 {engine.url.render_as_string()}：{reason}",
                "检查路径或 DAOSHOU_DATABASE_URL、权限和剩余磁盘空间",
            ),
        ) from exc
