"""`daoshou run`: check every listing on its interval, for as long as the service runs.

The schedule lives in the store, not in the scheduler: each listing's `next_check_at`,
set one interval ahead in the transaction that stores its check. APScheduler 3.11's
AsyncIOScheduler (in-memory job store) runs a few periodic jobs only:

- `dispatch-due-checks`, every `DISPATCH_SECONDS`: take due listings from the store in a
  small batch (at most `2 x max_concurrency` in flight) with per-host request turns, and
  start each check at its turn. On PostgreSQL (several services) a check starts
  `PREPARE_SECONDS` before its turn, so its reads of the store (listing, lease,
  validators) come first, and its request waits for the turn and is never sent after it
  ends (`tracker.checks.turns`, `tracker.fetch.turns`): two requests to one host from any
  of the processes sharing the store keep its delay. With nothing due the service reads
  the store again only when the next listing falls due, or after `IDLE_POLL_SECONDS` at
  most, so an idle service with 10,000 listings costs two indexed reads every few
  seconds. Each of those looks first gives listings added since (`daoshou add` in
  another process) their first check time, spread over their interval (an indexed read
  of the unplanned ones).
- the periodic jobs the service's starter hands it (`tracker.checks.jobs.service_jobs()`
  for `daoshou run`): the list is built where the service starts, nothing registers itself.

Missed checks (the machine slept, the service was stopped) are simply due: each is
checked once, however many intervals passed, then planned an interval ahead.

On SQLite only one service per store checks listings (`tracker.checks.service_lock`); a
second one, or an app with its scheduler on, runs only the periodic jobs and takes over
within `LOCK_POLL_SECONDS` when the first stops or dies. On PostgreSQL every service
checks: they share the due listings through the store's claims (`SKIP LOCKED`), and each
host's politeness through its `hostbudget` row, so several machines divide the work.

SIGINT/SIGTERM stop the service cleanly: no new check starts, claimed listings not yet
started are handed back (due now), running checks get `SHUTDOWN_GRACE_SECONDS` to finish
and commit. A SIGKILL loses nothing committed: every check is one transaction, and its
unfinished claims fall due again after `claim_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from tracker import locations
from tracker.checks import dispatch
from tracker.checks.check import Checker
from tracker.checks.dispatch import Claim
from tracker.checks.jobs import PeriodicJob
from tracker.checks.pages import fetch_policy
from tracker.checks.service_lock import ServiceLock
from tracker.checks.turns import shared_turns
from tracker.errors import NotFoundError
from tracker.fetch.fetcher import Fetcher
from tracker.settings import Settings, load_settings
from tracker.store import db
from tracker.store.repository import Repository
from tracker.store.tables import Listing, table_of, utcnow

log = logging.getLogger("daoshou.scheduler")

DISPATCH_SECONDS = 1.0
IDLE_POLL_SECONDS = 5.0  # longest an idle service goes without looking at the store
LOCK_POLL_SECONDS = 5.0  # how often a standing-by service tries to take over
SHUTDOWN_GRACE_SECONDS = 20.0
# A check starts this long before its turn, and no claim's turn is sooner: its store reads
# (tens of milliseconds; hundreds on a loaded machine) come first. Longer costs every check
# that much latency, and the service keeps only 2 x max_concurrency checks under way;
# shorter, a check whose reads overran misses its turn and waits for a new one.
PREPARE_SECONDS = 0.25
SERVICE_STORE = "service"

_active: TrackerService | None = None


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
        self.checking = False  # this service dispatches checks
        self._lock = ServiceLock(repository.engine)
        self.turns = shared_turns(repository.engine, self.settings)
        self._lead = timedelta(seconds=PREPARE_SECONDS if self.turns else 0.0)
        self._on_status = on_status
        self._waiting: dict[int, asyncio.Task[None]] = {}  # claimed, before their slot
        self._tasks: set[asyncio.Task[None]] = set()
        self._quiet_until = datetime.min.replace(tzinfo=UTC)  # nothing due before then
        self._stored = False  # a check stored since the after-check jobs last ran
        self._followers: set[asyncio.Task[None]] = set()  # after-check jobs running

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, then shut down cleanly.

        Periodic jobs run at once; checks start when this service may dispatch them
        (always on PostgreSQL; on SQLite once it holds the store's service lock).
        """
        global _active
        # APScheduler logs two INFO lines for every job run; with a dispatch every second
        # that is some 170,000 lines a day, so its executor logs only warnings.
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
        if _active is not None:
            raise RuntimeError("a tracker service is already running in this process")
        async with (
            Fetcher(fetch_policy(self.settings), turns=self.turns) as fetcher,
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

    @property
    def shared(self) -> bool:
        """Whether several services may check this store together (PostgreSQL)."""
        return self.repository.engine.dialect.name == "postgresql"

    async def _take_over(self, stop: asyncio.Event) -> bool:
        """Wait until this service may dispatch (or `stop`), then start dispatching."""
        if not self.shared and not self._lock.try_acquire():
            self._status("another service is checking this store; standing by to take over")
            while not self._lock.try_acquire():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), LOCK_POLL_SECONDS)
                if stop.is_set():
                    return False
        if not self.shared:
            claim = timedelta(seconds=self.settings.claim_seconds)
            engine, interval_of = self.repository.engine, self.settings.interval_of
            resumed = await asyncio.to_thread(
                dispatch.resume_claims, engine, interval_of, utcnow(), claim
            )
            if resumed:
                log.info("resuming %d checks a stopped service had taken", resumed)
        await self.plan_listings()
        await self._warn_host_loads()
        self._add_job(self.dispatch, DISPATCH_SECONDS, "dispatch-due-checks")
        self.checking = True
        self._status("checking listings" + (" (shared with other services)" if self.shared else ""))
        return True

    def _add_job(self, func: Callable[[], object], seconds: float, job_id: str) -> None:
        self.scheduler.add_job(
            func,
            trigger=IntervalTrigger(seconds=seconds),
            id=job_id,
            jobstore=SERVICE_STORE,
            replace_existing=True,
        )

    def _status(self, text: str) -> None:
        log.info("tracker service: %s", text)
        if self._on_status is not None:
            self._on_status(text)

    async def _warn_host_loads(self) -> None:
        loads = await asyncio.to_thread(
            dispatch.host_loads,
            self.repository.engine,
            self.settings.interval_of,
            self.settings.min_delay_for,
        )
        for load in loads:
            text = (
                f"warning: host {load.host} has {load.listings} listings but its"
                f" {load.delay_seconds:g} s politeness delay allows {load.capacity} checks"
                " per interval; its checks will fall behind (raise the listings' interval"
                " or lower the host's min_delay_seconds)"
            )
            log.warning("tracker service: %s", text)
            if self._on_status is not None:
                self._on_status(text)

    async def plan_listings(self) -> None:
        """Give listings never planned their first check time (spread over the interval)."""
        planned = await asyncio.to_thread(
            dispatch.plan_new, self.repository.engine, self.settings.interval_of, utcnow()
        )
        if planned:
            log.info("planned the first check of %d listings", planned)

    async def dispatch(self) -> None:
        """Take a small batch of due listings and start their checks at their slots.

        When nothing is due the service sleeps until the next listing falls due, but at
        most `IDLE_POLL_SECONDS`: a listing added, resumed or made due by another process
        is seen within that, and an idle tick costs no query at all.
        """
        engine, now = self.repository.engine, utcnow()
        if self._stored and not self._followers:
            self._stored = False
            follower = asyncio.create_task(self._run_after_checks())
            self._followers.add(follower)
            follower.add_done_callback(self._followers.discard)
        room = 2 * self.settings.max_concurrency - len(self._tasks)
        if now < self._quiet_until or room <= 0:
            return
        due_at = await asyncio.to_thread(dispatch.next_due_at, engine)
        if due_at is None or due_at > now:
            poll = now + timedelta(seconds=IDLE_POLL_SECONDS)
            self._quiet_until = poll if due_at is None else min(due_at, poll)
            return
        await self.plan_listings()
        assert self.checker is not None  # set before the dispatch job is added
        claims = await asyncio.to_thread(
            dispatch.claim_due,
            engine,
            now,
            limit=room,
            delay_for=self.settings.min_delay_for,
            horizon=timedelta(seconds=2 * DISPATCH_SECONDS),
            claim=timedelta(seconds=self.settings.claim_seconds),
            window=self.turns.window if self.turns else 0.0,
            lead=self._lead,
            reads_robots_first=self.checker.pages.fetcher.reads_robots_first,
        )
        for claim in claims:
            if self.turns:
                self.turns.hand(claim.host, claim.turns)
            task = asyncio.create_task(self._check_claimed(claim))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _check_claimed(self, claim: Claim) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._waiting[claim.listing_id] = task
        prepared = claim.start_at - self._lead
        try:
            await asyncio.sleep(max(0.0, (prepared - utcnow()).total_seconds()))
        finally:
            self._waiting.pop(claim.listing_id, None)
        await self.check(claim.listing_id)

    async def check(self, listing_id: int) -> None:
        """Check one listing; failures are logged, never raised."""
        assert self.checker is not None
        try:
            listing = await asyncio.to_thread(self.repository.get_listing, listing_id)
        except NotFoundError:
            return
        if not listing.active:
            return
        try:
            outcome = await self.checker.check(listing)
        except asyncio.CancelledError:
            # Shutdown outlasted the grace period: nothing of this check was committed, and
            # the restarted service checks the listing again. One line, not a traceback.
            log.info(
                "check of listing %s stopped by shutdown; it runs again on restart", listing_id
            )
            return
        except Exception:
            log.exception("check of listing %s failed", listing_id)
            return
        log.info("listing %s: %s", listing_id, outcome.summary)
        if outcome.observation is not None:
            self._stored = True

    async def _run_after_checks(self) -> None:
        """The jobs that follow stored checks (alert delivery), once for all the checks
        stored since they last ran; in a task of their own, so a slow alert channel never
        holds up dispatching."""
        engine = self.repository.engine
        for job in self.jobs:
            if not job.after_checks:
                continue
            try:
                if inspect.iscoroutinefunction(job.func):
                    await job.func(engine)
                else:
                    await asyncio.to_thread(job.func, engine)
            except Exception:
                log.exception("job %s after checks failed", job.job_id)

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

    async def _drain(self) -> None:
        """Stop starting checks, hand back the claims not started, let running ones commit."""
        self.scheduler.pause()
        waiting = list(self._waiting)
        for task in list(self._waiting.values()):
            task.cancel()
        if waiting:
            await asyncio.to_thread(self._hand_back, waiting)
        assert self.checker is not None
        deadline = asyncio.get_running_loop().time() + SHUTDOWN_GRACE_SECONDS
        while self.checker.busy and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)

    def _hand_back(self, listing_ids: list[int]) -> None:
        """Make claimed listings whose check never started due now, for the next service."""
        table = table_of(Listing)
        statement = (
            sa.update(table).where(table.c.id.in_(listing_ids)).values(next_check_at=utcnow())
        )
        with db.session_scope(self.repository.engine, write=True) as session:
            session.execute(statement)


def run_forever(jobs: Sequence[PeriodicJob], repository: Repository | None = None) -> None:
    """`daoshou run`: the service with its periodic `jobs` in the foreground until SIGINT
    or SIGTERM."""
    log_file = locations.log_to(locations.run_log_file())
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
