"""`daoshou run`: check every listing on its interval, for as long as the service runs.

APScheduler 3.11's AsyncIOScheduler with two job stores:

- `listings` (SQLAlchemyJobStore, table `apscheduler_jobs` in daoshou's own database):
  one job per active listing, `check-listing-<id>`, on an interval trigger with jitter.
  The next run time lives in the database, so the schedule survives restarts: a
  restarted service resumes where it stopped instead of checking everything at once.
  `coalesce=True` turns the runs missed while the machine slept into one, and
  `misfire_grace_time=None` runs that one however late it is (rather than skipping to
  the next slot). `max_instances=1`, the Checker's own guard and the listing's check
  lease (`tracker.checks.lease`) mean one listing is never checked twice at once, even
  while a `daoshou check` runs beside the service: a listing another process is checking
  is skipped (that check stands in for this one) and keeps its next slot.
- `service` (in memory): the re-sync of listings (added, removed, interval changed; every
  `SYNC_SECONDS`, so `daoshou add` in another process is picked up) and the periodic
  jobs the service's starter hands it (`tracker.checks.jobs.service_jobs()` for
  `daoshou run`): the list is built where the service starts, nothing registers itself.

Only one service per store checks listings (`tracker.checks.service_lock`): a second one, in
another `daoshou run`, on another machine sharing a PostgreSQL store, or in an app with
its scheduler on, runs only the periodic jobs and stands by; it takes over the checks
within `LOCK_POLL_SECONDS` when the first one stops or dies. The listings' job store is
attached only by the service that holds the lock, so a standing-by scheduler never runs
a listing's stored job.

SIGINT/SIGTERM stop the service cleanly: no new check starts, running checks get
`SHUTDOWN_GRACE_SECONDS` to finish and commit, then the scheduler shuts down. A SIGKILL
loses nothing committed: every check is one transaction. The check leases a killed
service leaves behind are taken over at once by the next process on the same machine
(elsewhere they expire within `tracker.checks.lease.LEASE_SECONDS`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, timedelta

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tracker import locations
from tracker.checks.check import Checker, fetch_policy
from tracker.checks.jobs import PeriodicJob
from tracker.checks.service_lock import ServiceLock
from tracker.errors import NotFoundError
from tracker.fetch.fetcher import Fetcher
from tracker.settings import Settings, load_settings
from tracker.store import db
from tracker.store.repository import Repository
from tracker.store.tables import utcnow
from tracker.store.views import ListingView

log = logging.getLogger("daoshou.scheduler")

SYNC_SECONDS = 60
LOCK_POLL_SECONDS = 5.0  # how often a standing-by service tries to take over
SHUTDOWN_GRACE_SECONDS = 20.0
LISTINGS_STORE = "listings"
SERVICE_STORE = "service"
JOB_TABLE = "apscheduler_jobs"
_JOB_PREFIX = "check-listing-"


_active: TrackerService | None = None


async def check_listing_job(listing_id: int) -> None:
    """The stored job of one listing (referenced by name, so it must stay importable)."""
    if _active is None:
        raise RuntimeError("a listing check ran outside a running tracker service")
    await _active.check(listing_id)


class TrackerService:
    """The scheduler, the fetcher and the checker of one `daoshou run` (or of the app)."""

    def __init__(
        self,
        repository: Repository,
        settings: Settings | None = None,
        *,
        jobs: Sequence[PeriodicJob] = (),
        on_status: Callable[[str], None] | None = None,
    ) -> None:
        self.repository = repository
        self.jobs = tuple(jobs)
        self.settings = settings or load_settings()
        self.scheduler = AsyncIOScheduler(
            jobstores={SERVICE_STORE: MemoryJobStore()},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        self.checker: Checker | None = None
        self.checking = False  # this service holds the lock and schedules the checks
        self._lock = ServiceLock(repository.engine)
        self._on_status = on_status

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then shut down cleanly.

        Periodic jobs run at once; listing checks start when this service holds the
        store's service lock: if another service holds it, this one stands by and takes
        over when that one stops.
        """
        global _active
        # APScheduler logs two INFO lines for every job run; with the outbox pass every
        # couple of seconds that is some 80,000 lines a day, so its executor logs only
        # warnings (a failing job is still logged, and checks log their own outcome).
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        if _active is not None:
            raise RuntimeError("a tracker service is already running in this process")
        async with (
            Fetcher(fetch_policy(self.settings)) as fetcher,
            Checker(self.repository, fetcher, self.settings) as checker,
        ):
            self.checker = checker
            _active = self
            try:
                self.scheduler.start()
                self._add_periodic_jobs()
                if await self._take_over(stop):
                    await stop.wait()
                await self._drain()
            finally:
                if self.scheduler.running:
                    self.scheduler.shutdown(wait=False)
                self._lock.release()
                self.checking = False
                _active = None
                log.info("tracker service stopped")

    async def _take_over(self, stop: asyncio.Event) -> bool:
        """Wait for the service lock (or `stop`), then schedule the listings' checks."""
        if not self._lock.try_acquire():
            self._status("another service is checking this store; standing by to take over")
            while not self._lock.try_acquire():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), LOCK_POLL_SECONDS)
                if stop.is_set():
                    return False
        # The job store reads then writes in one transaction (creating its table, dropping
        # jobs it cannot load): on SQLite that needs BEGIN IMMEDIATE, or a concurrent
        # `daoshou check` committing in between fails it at once with "database is locked".
        self.scheduler.add_jobstore(
            SQLAlchemyJobStore(engine=db.writer(self.repository.engine), tablename=JOB_TABLE),
            alias=LISTINGS_STORE,
        )
        await self.sync_listings(resume=True)
        self.scheduler.add_job(
            self.sync_listings,
            trigger=IntervalTrigger(seconds=SYNC_SECONDS),
            id="sync-listings",
            jobstore=SERVICE_STORE,
            replace_existing=True,
        )
        self.checking = True
        self._status("checking listings")
        return True

    def _status(self, text: str) -> None:
        log.info("tracker service: %s", text)
        if self._on_status is not None:
            self._on_status(text)

    async def check(self, listing_id: int) -> None:
        """Check one listing (called by its job); failures are logged, never raised."""
        assert self.checker is not None
        try:
            listing = await asyncio.to_thread(self.repository.get_listing, listing_id)
        except NotFoundError:
            self._remove_job(listing_id)
            return
        if not listing.active:
            self._remove_job(listing_id)
            return
        try:
            outcome = await self.checker.check(listing)
        except Exception:
            log.exception("check of listing %s failed", listing_id)
            return
        log.info("listing %s: %s", listing_id, outcome.summary)

    async def sync_listings(self, *, resume: bool = False) -> None:
        """Make the listing jobs match the active listings, keeping existing run times.

        With `resume` (at start-up), a listing whose last fetch is older than its interval
        is due now: its check was lost (the service was killed while it ran, or the job
        was due while the machine was off and the stored time already moved on).
        """
        listings = await asyncio.to_thread(self.repository.list_listings, active_only=True)
        last_fetch = await asyncio.to_thread(self.repository.last_attempt_times) if resume else {}
        wanted = {_job_id(listing.id): listing for listing in listings}
        now = utcnow()
        for job in self.scheduler.get_jobs(jobstore=LISTINGS_STORE):
            listing = wanted.pop(job.id, None)
            if listing is None:
                job.remove()
                continue
            if _interval_of(job.trigger) != self._interval(listing):
                job.reschedule(trigger=self._trigger(listing))
            fetched = last_fetch.get(listing.id)
            if resume and (fetched is None or fetched + self._interval(listing) < now):
                job.modify(next_run_time=now)
        for job_id, listing in wanted.items():
            # A new listing is checked at once; the fetcher's per-host limits pace a burst,
            # and the jitter of later runs spreads listings added together.
            self.scheduler.add_job(
                check_listing_job,
                trigger=self._trigger(listing),
                args=(listing.id,),
                id=job_id,
                name=f"check listing {listing.id}",
                jobstore=LISTINGS_STORE,
                next_run_time=utcnow(),
            )

    def _add_periodic_jobs(self) -> None:
        for job in self.jobs:
            self.scheduler.add_job(
                job.func,
                trigger=job.trigger,
                args=(self.repository.engine,),
                id=job.job_id,
                jobstore=SERVICE_STORE,
                replace_existing=True,
            )

    def _interval(self, listing: ListingView) -> timedelta:
        return timedelta(minutes=listing.check_interval_minutes or self.settings.interval_minutes)

    def _trigger(self, listing: ListingView) -> IntervalTrigger:
        interval = self._interval(listing)
        # Jitter never exceeds a quarter of the interval, so checks keep their rhythm.
        jitter = min(self.settings.jitter_minutes * 60, int(interval.total_seconds() / 4))
        return IntervalTrigger(seconds=int(interval.total_seconds()), jitter=jitter or None)

    def _remove_job(self, listing_id: int) -> None:
        with contextlib.suppress(LookupError):
            self.scheduler.remove_job(_job_id(listing_id), jobstore=LISTINGS_STORE)

    async def _drain(self) -> None:
        """Stop starting checks and give the running ones time to commit."""
        self.scheduler.pause()
        assert self.checker is not None
        deadline = asyncio.get_running_loop().time() + SHUTDOWN_GRACE_SECONDS
        while self.checker.busy and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)


def _job_id(listing_id: int) -> str:
    return f"{_JOB_PREFIX}{listing_id}"


def _interval_of(trigger: BaseTrigger) -> timedelta | None:
    return getattr(trigger, "interval", None)


def run_forever(jobs: Sequence[PeriodicJob], repository: Repository | None = None) -> None:
    """`daoshou run`: the service with its periodic `jobs` in the foreground until SIGINT
    or SIGTERM."""
    log_file = locations.run_log_file()
    handler = locations.rotating_log(log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(handlers=[handler], level=logging.INFO)
    repository = repository or Repository()
    settings = load_settings()
    print(f"daoshou run: started; log: {log_file}; Ctrl-C to stop", file=sys.stderr)

    def status(text: str) -> None:
        print(f"daoshou run: {text}", file=sys.stderr, flush=True)

    asyncio.run(_serve(TrackerService(repository, settings, jobs=jobs, on_status=status)))
    print("daoshou run: stopped", file=sys.stderr)


async def _serve(service: TrackerService) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: no loop signal handlers
            signal.signal(signum, lambda *_: loop.call_soon_threadsafe(stop.set))
    await service.run(stop)
