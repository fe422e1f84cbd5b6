"""The migrations build exactly the models' schema, and upgrades keep the user's data."""

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import tracker.store.tables  # noqa: F401
from tracker.errors import StoreError
from tracker.store import db
from tracker.store.migrations import FOREIGN_TABLES, current_revision, head_revision, upgrade
from tracker.store.repository import Repository


def _differences(engine):
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "include_name": lambda name, kind, _p: (
                    not (kind == "table" and name in FOREIGN_TABLES)
                ),
            },
        )
        return compare_metadata(context, SQLModel.metadata)


def test_migrations_match_the_models(store_url):
    engine = db.open_engine(store_url)
    assert current_revision(engine) == head_revision()
    assert _differences(engine) == []


def test_the_scheduler_table_is_not_the_migrations_business(store_url):
    engine = db.open_engine(store_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY)"))
    assert _differences(engine) == []


def test_a_database_at_the_initial_revision_survives_the_upgrade(sqlite_url):
    engine = db.create_engine(sqlite_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO product (id, name, unit, created_at, archived) "
                "VALUES (1, 'rice', 'kg', '2026-01-01 00:00:00+00:00', 0)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO listing (id, product_id, platform, url, per_pack, use_browser, active,"
                " created_at) VALUES (1, 1, 'jd', 'https://item.jd.com/1.html', 50000, 0, 1,"
                " '2026-01-01 00:00:00+00:00')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO observation (listing_id, observed_at, price, currency, is_from_price)"
                " VALUES (1, '2026-01-02 00:00:00+00:00', 129900, 'CNY', 0)"
            )
        )
    engine.dispose()
    repo = Repository(db.open_engine(sqlite_url))
    assert current_revision(repo.engine) == head_revision()
    listing = repo.get_listing(1)
    assert (listing.product_name, listing.per_pack) == ("rice", Decimal(5))
    assert [o.price for o in repo.history(1)] == [Decimal("12.99")]


def test_opening_twice_is_idempotent(sqlite_url):
    first = db.create_engine(sqlite_url)
    upgrade(first, "head")
    upgrade(first, "head")
    assert current_revision(first) == head_revision()
    first.dispose()


def test_a_database_from_a_newer_daoshou_is_a_clear_error(tmp_path):
    path = tmp_path / "newer.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES ('9999')")
    with pytest.raises(StoreError) as info:
        db.open_engine(f"sqlite:///{path}")
    assert "'9999'" in info.value.one_line()
    assert "upgrade daoshou" in info.value.one_line()


def test_an_unopenable_database_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the database"):
        db.open_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.sqlite'}")
    with pytest.raises(StoreError, match="invalid database URL"):
        db.open_engine("not a url at all")
    with pytest.raises(StoreError, match="cannot use database"):
        db.open_engine("nosuchdialect://host/db")


def test_sqlite_pragmas(sqlite_url):
    engine = db.open_engine(sqlite_url)
    with engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == db.BUSY_TIMEOUT_MS
        assert pragma("synchronous") == 1  # NORMAL


def test_concurrent_first_opens_migrate_once(store_url):
    engines = [db.create_engine(store_url) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda engine: upgrade(engine, "head"), engines))
    assert {current_revision(engine) for engine in engines} == {head_revision()}
    for engine in engines:
        engine.dispose()


def test_plain_postgresql_urls_use_psycopg_3():
    engine = db.create_engine("postgres://user@127.0.0.1:1/daoshou")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def test_the_head_revision_known_without_alembic_is_alembic_s_head():
    from tracker.store.migrations import HEAD_REVISION

    assert head_revision() == HEAD_REVISION


def test_opening_a_store_at_head_does_not_import_alembic(sqlite_url):
    import subprocess
    import sys

    db.open_engine(sqlite_url)  # migrate once, here
    code = (
        "import sys; from tracker.store import db; db.open_engine(sys.argv[1]);"
        " print('alembic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, sqlite_url], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
