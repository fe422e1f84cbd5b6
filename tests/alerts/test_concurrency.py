"""Two processes recording the same price change on PostgreSQL write one alert, not two.

SQLite serialises write transactions, so the race only exists on PostgreSQL: there, the
second transaction reads the history before the first commits, raises the same alert and
blocks on the unique dedupe key until the first commits; ON CONFLICT DO NOTHING then
makes it a no-op instead of an error that would lose its observation.
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tracker.alerts.channels import add_channel
from tracker.alerts.engine import raise_alerts
from tracker.store.db import dispose_engines, open_engine, session_scope
from tracker.store.tables import AlertDelivery, AlertEvent, Observation

from .conftest import Store

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(request, postgres_url, tmp_path, monkeypatch):

    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    yield Store(open_engine(postgres_url))
    dispose_engines()


def _lock_waiters(engine) -> int:
    with engine.connect() as conn:
        query = (
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return conn.execute(sa.text(query)).scalar()


def test_racing_transactions_raise_one_alert(pg_store):
    add_channel(pg_store.engine, "json://127.0.0.1:9/unused")
    listing = pg_store.listing()
    pg_store.rule("drop", {"pct": "10"}, listing_id=listing.id)
    pg_store.observe(listing.id, "100")
    at = pg_store.clock
    second: list = []

    def other_process() -> None:
        second.extend(pg_store.observe(listing.id, "80", at=at.replace(minute=1)))

    with session_scope(pg_store.engine, write=True) as session:
        obs = Observation(
            listing_id=listing.id,
            observed_at=at.replace(minute=2),
            price=Decimal(80),
            currency="CNY",
        )
        session.add(obs)
        session.flush()
        first = raise_alerts(session, obs)
        racer = threading.Thread(target=other_process)
        racer.start()
        deadline = time.monotonic() + 60
        while _lock_waiters(pg_store.engine) == 0:
            assert racer.is_alive() and time.monotonic() < deadline, "the racer never blocked"
            time.sleep(0.02)
    racer.join()
    assert len(first) == 1 and second == []
    with session_scope(pg_store.engine) as session:
        count = sa.select(sa.func.count())
        assert session.execute(count.select_from(AlertEvent)).scalar() == 1
        assert session.execute(count.select_from(AlertDelivery)).scalar() == 1
        assert session.execute(count.select_from(Observation)).scalar() == 3
