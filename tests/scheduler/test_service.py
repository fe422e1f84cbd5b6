"""The tracker service in-process: jobs per listing, schedule kept, misses coalesced."""

import asyncio
from datetime import timedelta

from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.triggers.interval import IntervalTrigger

from tracker.checks.jobs import PeriodicJob, service_jobs
from tracker.checks.scheduler import LISTINGS_STORE, TrackerService
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


def _jobs(service):
    return {job.id: job for job in service.scheduler.get_jobs(jobstore=LISTINGS_STORE)}


async def test_each_listing_gets_a_job_and_is_checked(add_products, repo):
    listings = add_products(3)
    service = TrackerService(repo, SETTINGS)

    async def body():
        await _until(lambda: len(repo.latest_observations(v.id for v in listings)) == 3)
        jobs = _jobs(service)
        assert set(jobs) == {f"check-listing-{v.id}" for v in listings}
        assert all(job.trigger.interval == timedelta(minutes=60) for job in jobs.values())
        # A listing added while running is picked up by the re-sync.
        [late] = add_products(1)
        await service.sync_listings()
        assert f"check-listing-{late.id}" in _jobs(service)
        await _until(lambda: repo.latest_observations([late.id]))

    await _running(service, body)


async def test_the_schedule_survives_a_restart(add_products, repo):
    [listing] = add_products(1)
    first = TrackerService(repo, SETTINGS)

    async def checked_once():
        await _until(lambda: repo.history(listing.id))
        return _jobs(first)[f"check-listing-{listing.id}"].next_run_time

    planned = await _running(first, checked_once)
    assert planned > utcnow() + timedelta(minutes=50)
    second = TrackerService(repo, SETTINGS)

    async def after_restart():
        return _jobs(second)[f"check-listing-{listing.id}"].next_run_time

    assert await _running(second, after_restart) == planned
    assert len(repo.history(listing.id)) == 1


async def test_runs_missed_while_asleep_coalesce_into_one(add_products, repo):
    [listing] = add_products(1)
    service = TrackerService(repo, SETTINGS)
    job_id = f"check-listing-{listing.id}"
    first_run_done = asyncio.Event()
    loop = asyncio.get_running_loop()

    def executed(event):
        if event.job_id == job_id:
            loop.call_soon_threadsafe(first_run_done.set)

    service.scheduler.add_listener(executed, EVENT_JOB_EXECUTED)

    async def body():
        await _until(lambda: repo.history(listing.id))
        # The job outlives its observation's commit (it still releases the check lease);
        # a run due before it ends would be skipped as a second instance.
        await asyncio.wait_for(first_run_done.wait(), 30)
        # As if the machine slept through three days of hourly checks.
        service.scheduler.modify_job(
            job_id, LISTINGS_STORE, next_run_time=utcnow() - timedelta(days=3)
        )
        service.scheduler.wakeup()
        await _until(lambda: len(repo.history(listing.id)) >= 2)
        await asyncio.sleep(0.5)
        return len(repo.history(listing.id)), _jobs(service)[job_id].next_run_time

    count, next_run = await _running(service, body)
    assert count == 2
    assert next_run > utcnow() + timedelta(minutes=50)


async def test_removed_listings_lose_their_job(add_products, repo):
    keep, drop = add_products(2)
    service = TrackerService(repo, SETTINGS)

    async def body():
        with repo.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE listing SET active = 0 WHERE id = ?", (drop.id,))
        await service.sync_listings()
        return set(_jobs(service))

    assert await _running(service, body) == {f"check-listing-{keep.id}"}


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
