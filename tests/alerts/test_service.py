"""The service's periodic jobs work on the service's own store, not the user's default.

A `TrackerService` built over another engine (here a SQLite file outside DAOSHOU_HOME,
or a PostgreSQL database) must deliver that store's outbox: the alert reaches the
receiver, its delivery is marked sent in that store, and the default store is never
even created.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from tracker.alerts.channels import add_channel
from tracker.checks.jobs import service_jobs
from tracker.checks.scheduler import TrackerService
from tracker.locations import data_dir
from tracker.settings import Settings
from tracker.store.db import session_scope
from tracker.store.repository import Repository
from tracker.store.tables import AlertDelivery, Listing


def _statuses(engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.execute(sa.select(AlertDelivery.status)).scalars())


async def test_a_service_over_another_store_delivers_that_stores_alerts(store, receiver):
    listing = store.listing()
    add_channel(store.engine, receiver.url)
    store.rule("target", {"price": "85"}, listing_id=listing.id)
    store.observe(listing.id, "100.00")
    assert len(store.observe(listing.id, "80.00")) == 1
    # Only the outbox matters here: no check may fetch the listing's (unreachable) page.
    with session_scope(store.engine, write=True) as session:
        session.execute(sa.update(Listing).values(active=False))
    assert _statuses(store.engine) == ["pending"]

    settings = Settings(min_delay_seconds=0.0)
    service = TrackerService(Repository(store.engine), settings, jobs=service_jobs())
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        for _ in range(600):
            if await asyncio.to_thread(_statuses, store.engine) == ["sent"]:
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await task

    assert _statuses(store.engine) == ["sent"]
    [body] = receiver.received()
    assert "¥100.00" in body["message"] and "¥80.00" in body["message"]
    assert not (data_dir() / "daoshou.sqlite").exists(), "the default store was opened"
