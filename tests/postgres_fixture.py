"""A new PostgreSQL database per test, on the server `DAOSHOU_TEST_POSTGRES_URL` names.

Import it in a test package's conftest.py (or a test module):

    from tests.postgres_fixture import postgres_url  # noqa: F401

`.ci/run` starts a server; without the variable the tests that need it are skipped. Each
test gets its own database, dropped afterwards, so parallel workers never meet.
"""

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tracker.store import db

POSTGRES_ENV = "DAOSHOU_TEST_POSTGRES_URL"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh, empty database (tables are created when daoshou opens it)."""
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
