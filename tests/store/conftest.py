"""A fresh, migrated SQLite store per test (never the user's own)."""

import pytest

from tracker import db
from tracker.repository import Repository


@pytest.fixture
def sqlite_url(tmp_path):
    yield f"sqlite:///{tmp_path / 'store.sqlite'}"
    db.dispose_engines()


@pytest.fixture
def repo(sqlite_url):
    return Repository(db.open_engine(sqlite_url))
