"""Fresh, migrated stores per test: SQLite always, PostgreSQL when a server is given.

`DAOSHOU_TEST_POSTGRES_URL` names a PostgreSQL server (`.ci/run` starts one); each test
gets its own new database on it, dropped afterwards, so parallel workers never meet.
"""

import pytest

from tests.postgres_fixture import postgres_url  # noqa: F401
from tracker.store import db
from tracker.store.repository import Repository


@pytest.fixture
def sqlite_url(tmp_path):
    yield f"sqlite:///{tmp_path / 'store.sqlite'}"
    db.dispose_engines()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request):
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture
def repo(store_url):
    return Repository(db.open_engine(store_url))
