"""The tracker service in-process: due listings checked, schedule kept, misses coalesced."""

import asyncio
from datetime import datetime, timedelta

import sqlalchemy as sa
from apscheduler.triggers.interval import IntervalTrigger

from tests.scheduler.conftest import make_due
from tracker.checks.jobs import PeriodicJob, service_jobs
from tracker.checks.scheduler import DISPATCH_SECONDS, TrackerService
from tracker.settings import Settings
from tracker.store.tables import utcnow

SETTINGS = Settings(interval_minutes=60, jitter_minutes=0, min_delay_seconds=0.0)


async def _until(condition, timeout=30.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not (value := await asyncio.to_thread(condition)):
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.05)
    return value


async def _running(service, body):
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        await _until(lambda: service.checking)
        return await body()
    finally:
        stop.set()
        await task


def _next_check(repo, listing):
    with repo.engine.connect() as conn:
        value = conn.execute(
            sa.text("SELECT next_check_at FROM listing WHERE id = :id"), {"id": listing.id}
        ).scalar()
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def test_due_listings_are_checked_and_planned_an_interval_ahead(add_products, repo):
    listings = add_products(3)
    make_due(repo.engine, listings)
    service = TrackerService(repo, SETTINGS)

    async def body():
        await _until(lambda: len(repo.latest_observations(v.id for v in listings)) == 3)
        return [_next_check(repo, v) for v in listings]

    planned = await _running(service, body)
    assert all(
        at.replace(tzinfo=None) > (utcnow() + timedelta(minutes=55)).replace(tzinfo=None)
        for at in planned
    )
    assert all(len(repo.history(v.id)) == 1 for v in listings)


async def test_the_schedule_survives_a_restart(add_products, repo):
    [listing] = add_products(1)
    make_due(repo.engine, [listing])
    first = TrackerService(repo, SETTINGS)
    await _running(first, lambda: _until(lambda: repo.history(listing.id)))
    planned = _next_check(repo, listing)
    second = TrackerService(repo, SETTINGS)

    async def after_restart():
        await asyncio.sleep(2 * DISPATCH_SECONDS)
        return _next_check(repo, listing)

    assert await _running(second, after_restart) == planned
    assert len(repo.history(listing.id)) == 1


async def test_runs_missed_while_asleep_coalesce_into_one(add_products, repo):
    [listing] = add_products(1)
    # As if the machine slept through three days of hourly checks.
    make_due(repo.engine, [listing], utcnow() - timedelta(days=3))
    service = TrackerService(repo, SETTINGS)

    async def body():
        await _until(lambda: repo.history(listing.id))
        await asyncio.sleep(3 * DISPATCH_SECONDS)
        return len(repo.history(listing.id))

    assert await _running(service, body) == 1


async def test_paused_listings_are_not_checked(add_products, repo):
    keep, drop = add_products(2)
    repo.set_active([drop.id], False)
    make_due(repo.engine, [keep, drop])
    service = TrackerService(repo, SETTINGS)

    async def body():
        await _until(lambda: repo.history(keep.id))
        await asyncio.sleep(2 * DISPATCH_SECONDS)
        return repo.history(drop.id)

    assert await _running(service, body) == []


async def test_periodic_jobs_run_on_the_services_own_store(repo):
    engines = []
    ran = asyncio.Event()

    async def tick(engine):
        engines.append(engine)
        ran.set()

    job = PeriodicJob("test-tick", tick, IntervalTrigger(seconds=1))
    service = TrackerService(repo, SETTINGS, jobs=[job])

    async def body():
        await asyncio.wait_for(ran.wait(), 30)
        return service.scheduler.get_job("test-tick") is not None

    assert await _running(service, body)
    assert engines[0] is repo.engine


def test_the_service_jobs_are_alert_delivery_and_forecasts():
    ids = {job.job_id for job in service_jobs()}
    assert {"deliver-alerts", "forecast-refresh"} <= ids
