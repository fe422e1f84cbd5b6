"""Fresh, migrated stores per test: SQLite always, PostgreSQL when a server is given.

`DAOSHOU_TEST_POSTGRES_URL` names a PostgreSQL server (`.ci/run` starts one); each test
gets its own new database on it, dropped afterwards, so parallel workers never meet.
"""

import os
import uuid

import pytest
import sqlalchemy as sa

from tracker.store import db
from tracker.store.repository import Repository

POSTGRES_ENV = "DAOSHOU_TEST_POSTGRES_URL"


@pytest.fixture
def sqlite_url(tmp_path):
    yield f"sqlite:///{tmp_path / 'store.sqlite'}"
    db.dispose_engines()


@pytest.fixture
def postgres_url():
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(f"{POSTGRES_ENV} is not set")
    name = f"daoshou_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    db.dispose_engines()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request):
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def repo(store_url):
    return Repository(db.open_engine(store_url))
