"""The scheduler keeps its jobs in daoshou's own database, on every supported backend."""

import asyncio

import sqlalchemy as sa

from tracker.checks.scheduler import JOB_TABLE, LISTINGS_STORE, TrackerService
from tracker.settings import Settings
from tracker.shop.client import FixtureShop


async def test_listing_jobs_live_in_the_store(repo):
    with FixtureShop.start() as shop:
        shop.set_product("kettle", price="59.00")
        listing = repo.add_listing(shop.product_url("kettle"))
        service = TrackerService(repo, Settings(min_delay_seconds=0.0))
        stop = asyncio.Event()
        task = asyncio.create_task(service.run(stop))
        try:
            for _ in range(600):
                if await asyncio.to_thread(repo.history, listing.id):
                    break
                await asyncio.sleep(0.05)
            jobs = service.scheduler.get_jobs(jobstore=LISTINGS_STORE)
        finally:
            stop.set()
            await task
    assert [o.price for o in repo.history(listing.id)] == [59]
    assert [job.id for job in jobs] == [f"check-listing-{listing.id}"]
    with repo.engine.connect() as conn:
        stored = conn.execute(sa.text(f"SELECT id FROM {JOB_TABLE}")).scalars().all()  # noqa: S608
    assert stored == [f"check-listing-{listing.id}"]
