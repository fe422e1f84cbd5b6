"""Checking a listing: fetch its page, read the price, sanity-check it, store it.

    fetch (conditional: ETag / Last-Modified of the last good response)
      304          -> re-record the observation those validators belong to (cheap)
      login wall   -> "no price (blocked: ...)"
      other failure-> only the fetch attempt is stored: nothing was learned about the price
      page         -> decode + extract -> sanity -> observation (an extractor that raises
                      gives "no price (extraction error: ...)" and a logged traceback)
    sanity: a price more than 50% away from the last recorded price (or in another
      currency) is confirmed by fetching the page again; if the second reading disagrees
      the observation is "no price (unconfirmed change ...)": precision over recall.
    store: attempts, observation, validators and the alerts it raises, in ONE transaction.

Browser mode: a listing marked `use_browser` (or every listing, with the setting
`browser.mode = "always"`) is rendered in the user's Chromium instead (no conditional
request then); with `"auto"`, a page the extractors say is priced by JavaScript, or
where they found no price candidate at all, is rendered once more in the browser. The
browser starts on first need and stays open for the Checker's life.

Signed-in platforms: when the user has a signed-in profile for a listing's platform
(`daoshou browser login jd`), the listing is always rendered through that profile, one
page at a time per platform; a login wall there is reported once per platform and the
platform's other listings are skipped (`tracker.checks.signed_in`).

Checks of many listings run concurrently; the Fetcher's limits keep them polite. One
listing is never checked twice at once: a `Checker` skips a second request for a listing
it is checking, and a listing another process is checking (it holds the listing's lease,
`tracker.checks.lease`) is skipped with the outcome "being checked by another daoshou
process". Database and extraction work runs in threads so the event loop keeps fetching.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from sqlmodel import Session

from planner.cost import Pricing
from tracker.alerts.engine import raise_alerts
from tracker.checks.lease import CheckLeases, describe_owner
from tracker.checks.outcome import (
    CHECK_ERROR,
    LEASED,
    SIGNED_OUT,
    SKIPPED,
    CheckOutcome,
    one_line_reason,
)
from tracker.checks.pages import NewPage, Pages, fetch_policy
from tracker.checks.reading import EXTRACTION_ERROR, UNCONFIRMED, confirmed, read_page
from tracker.checks.signed_in import SignedInSessions, is_login_reason
from tracker.checks.turns import shared_turns
from tracker.fetch.fetcher import Fetcher
from tracker.fetch.result import FetchOutcome, FetchResult
from tracker.plans.alone import in_hand_alone
from tracker.plans.follow import follow_prices, listing_moved
from tracker.plans.plan import load_pricing
from tracker.settings import Settings, load_settings
from tracker.store.repository import Repository
from tracker.store.tables import Observation, utcnow
from tracker.store.views import (
    ListingView,
    NewFetchAttempt,
    NewObservation,
    NextCheck,
    Validators,
)

log = logging.getLogger("daoshou.check")


@dataclass(frozen=True)
class FirstLook:
    """A page fetched and read before its listing existed, waiting to be stored."""

    result: FetchResult
    attempts: tuple[NewFetchAttempt, ...]
    observation: NewObservation | None  # None when the fetch brought no page
    forget: bool = False  # rendered: keep no validators for conditional requests


def alerts_in_transaction(session: Session, observation: Observation) -> None:
    """The alert hook: runs inside the transaction that stores `observation`, so the alert
    events it raises (the outbox rows) are committed exactly when the observation is."""
    raise_alerts(session, observation)


class Checker:
    """Checks listings with one Fetcher; owns the one-check-per-listing rule.

    Use as an async context manager: it closes the browser if a check opened one.
    """

    def __init__(
        self,
        repository: Repository,
        fetcher: Fetcher,
        settings: Settings | None = None,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.repository = repository
        self.fetcher = fetcher
        self.settings = settings or Settings()
        self._clock = clock
        self.leases = CheckLeases(repository.engine)
        self._running: set[int] = set()
        self._intervals: dict[int, timedelta] = {}  # of the listings being checked
        self._sessions = SignedInSessions()
        self.pages = Pages(fetcher, self.settings, self._sessions, clock)
        self._rules: Pricing | None = None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.pages.aclose()

    @property
    def busy(self) -> bool:
        """Whether a check is running (the service waits for it before stopping)."""
        return bool(self._running)

    async def check(self, listing: ListingView) -> CheckOutcome:
        """Check one listing now, unless a check of it is already running, here or in
        another process sharing the store (then nothing is fetched and the outcome says so).
        """
        if listing.id in self._running:
            return CheckOutcome(listing.id, SKIPPED, None, "already being checked")
        self._running.add(listing.id)
        try:
            if not await asyncio.to_thread(self.leases.claim, listing.id):
                return await self._leased_elsewhere(listing.id)
            self._intervals[listing.id] = self.settings.interval_of(listing.check_interval_minutes)
            async with self.leases.kept(listing.id):
                try:
                    outcome = await self._check(listing)
                except Exception as exc:
                    return await self._failed(listing.id, exc)
        finally:
            self._running.discard(listing.id)
            self._intervals.pop(listing.id, None)
        if outcome.observation is not None:
            await asyncio.to_thread(self._follow, listing.id)
        return outcome

    def _next_check(self, listing_id: int) -> NextCheck:
        """The schedule a stored check leaves behind: due again one interval from now,
        lease cleared in the same transaction (the scheduler's dispatcher reads both)."""
        interval = self._intervals.get(listing_id, self.settings.interval_of(None))
        # Jitter only ever delays (at most a quarter interval): never two checks in one.
        jitter = min(self.settings.jitter_minutes * 60.0, interval.total_seconds() / 4)
        delay = interval + timedelta(seconds=random.uniform(0.0, jitter))
        return NextCheck(self._clock() + delay, self.leases.owner)

    def _follow(self, listing_id: int) -> None:
        """Re-plan the saved carts using a listing whose price, stock or promotions moved."""
        try:
            if listing_moved(self.repository, listing_id):
                follow_prices(self.repository.engine, [listing_id], self._clock())
        except Exception:
            log.exception("re-planning the carts using listing %s failed", listing_id)

    def _pricing(self) -> Pricing:
        if self._rules is None:
            self._rules = load_pricing()
        return self._rules

    async def _failed(self, listing_id: int, exc: Exception) -> CheckOutcome:
        """A check that failed in a way nobody foresaw (an unstorable value, a URL stored
        wrongly, a library's bug) is this listing's failed attempt, with a one-line reason;
        the other listings' checks go on and are stored."""
        reason = one_line_reason(exc)
        log.warning("check of listing %s failed: %s", listing_id, reason)
        log.debug("the failed check's traceback", exc_info=exc)
        attempt = NewFetchAttempt(status=CHECK_ERROR, error=reason, started_at=self._clock())
        try:
            await asyncio.to_thread(self.repository.record_check, listing_id, [attempt], None)
        except Exception as store_exc:  # the store itself refused: say so, keep going
            log.warning(
                "listing %s: the failed attempt was not stored either: %s",
                listing_id,
                one_line_reason(store_exc),
            )
        return CheckOutcome(listing_id, CHECK_ERROR, None, f"check failed ({reason})", reason)

    async def _leased_elsewhere(self, listing_id: int) -> CheckOutcome:
        holder = await asyncio.to_thread(self.leases.holder, listing_id)
        # No holder by now: the other check has just finished.
        who = describe_owner(holder) if holder else "another daoshou process"
        return CheckOutcome(listing_id, LEASED, None, f"being checked by {who}; skipped")

    async def _check(self, listing: ListingView) -> CheckOutcome:
        platform = self._sessions.platform_of(listing.platform)
        if platform is not None:
            async with self._sessions.locks[platform]:
                return await self._check_signed_in(listing, platform)
        attempts: list[NewFetchAttempt] = []
        render = listing.use_browser or self.settings.browser_mode == "always"
        if render:
            validators = None
            result = await self.pages.render(listing, attempts)
        else:
            validators = await asyncio.to_thread(self.repository.validators, listing.id)
            result = await self.pages.fetch(listing, validators, attempts)
        if result.not_modified:
            stored = await asyncio.to_thread(
                self.repository.record_not_modified,
                listing.id,
                attempts,
                observed_at=self._clock(),
                on_observation=alerts_in_transaction,
                next_check=self._next_check(listing.id),
            )
            if stored is not None:
                return CheckOutcome.of(listing.id, result, stored)
            # The observation the validators described is gone: read the page afresh.
            attempts.clear()
            result = await self.pages.fetch(listing, None, attempts)
        if result.outcome is FetchOutcome.BLOCKED:
            reason = result.error or "redirected to a login page"
            return await self._store_blocked(listing.id, result, attempts, reason)
        if not result.ok:
            return await self._store_failed(listing.id, result, attempts)
        observation, may_need_js = await self._read_page(result)
        if may_need_js and not render and self.settings.browser_mode == "auto":
            render = True
            rendered = await self.pages.render(listing, attempts)
            if rendered.ok:
                result, observation = rendered, await self._read(rendered)
        observation, result = await self._confirmed(
            listing, observation, result, attempts, render=render
        )
        observation = await self._with_in_hand(listing, observation)
        return await self._store(listing.id, result, attempts, observation)

    async def look_first(self, page: NewPage) -> FirstLook:
        """Fetch and read a page whose listing does not exist yet (`daoshou add`), the way a
        check would (browser rules and signed-in profiles included), storing nothing."""
        attempts: list[NewFetchAttempt] = []
        signed_in = self._sessions.platform_of(page.platform) is not None
        render = page.use_browser or signed_in or self.settings.browser_mode == "always"
        fetch = (
            self.pages.render(page, attempts) if render else self.pages.fetch(page, None, attempts)
        )
        result = await fetch
        observation = None
        if result.ok:
            observation, may_need_js = await self._read_page(result)
            if may_need_js and not render and self.settings.browser_mode == "auto":
                rendered = await self.pages.render(page, attempts)
                if rendered.ok:
                    result, observation = rendered, await self._read(rendered)
        return FirstLook(result, tuple(attempts), observation, forget=signed_in or render)

    async def store_first(self, listing: ListingView, look: FirstLook) -> CheckOutcome:
        """Store what `look_first` read as the new listing's first check (no second fetch)."""
        attempts = list(look.attempts)
        if not await asyncio.to_thread(self.leases.claim, listing.id):
            return await self._leased_elsewhere(listing.id)
        async with self.leases.kept(listing.id):
            if look.result.outcome is FetchOutcome.BLOCKED:
                reason = look.result.error or "redirected to a login page"
                return await self._store_blocked(listing.id, look.result, attempts, reason)
            if look.observation is None:
                await asyncio.to_thread(self.repository.record_check, listing.id, attempts, None)
                return CheckOutcome.of(listing.id, look.result, None)
            observation = await self._with_in_hand(listing, look.observation)
            return await self._store(
                listing.id, look.result, attempts, observation, forget=look.forget
            )

    async def _with_in_hand(
        self, listing: ListingView, observation: NewObservation
    ) -> NewObservation:
        """The observation with the in-hand price of one unit bought alone (its promotions
        applied by the planner's engine)."""
        in_hand = await asyncio.to_thread(
            in_hand_alone, listing, observation, self._clock(), self._pricing()
        )
        return replace(observation, in_hand=in_hand)

    async def _check_signed_in(self, listing: ListingView, platform: str) -> CheckOutcome:
        """Render through the platform's signed-in profile; a login wall signs it out."""
        skip = self._sessions.skip_reason(platform)
        if skip is not None:
            return CheckOutcome(listing.id, SIGNED_OUT, None, f"not fetched: {skip}")
        attempts: list[NewFetchAttempt] = []
        result = await self.pages.render(listing, attempts)
        if result.outcome is FetchOutcome.BLOCKED:
            message = await self._sessions.signed_out(platform, result.error)
            return await self._store_blocked(listing.id, result, attempts, message)
        if not result.ok:
            return await self._store_failed(listing.id, result, attempts)
        observation = await self._read(result)
        if observation.price is None and is_login_reason(observation.reason):
            message = await self._sessions.signed_out(platform, observation.reason)
            observation = replace(observation, reason=f"blocked: {message}")
            return await self._store(listing.id, result, attempts, observation, forget=True)
        observation, result = await self._confirmed(
            listing, observation, result, attempts, render=True
        )
        if observation.price is not None:
            await self._sessions.worked(platform)
        observation = await self._with_in_hand(listing, observation)
        return await self._store(listing.id, result, attempts, observation, forget=True)

    async def _read(self, result: FetchResult) -> NewObservation:
        return (await self._read_page(result))[0]

    async def _read_page(self, result: FetchResult) -> tuple[NewObservation, bool]:
        return await asyncio.to_thread(read_page, result, self._clock)

    async def _confirmed(
        self,
        listing: ListingView,
        observation: NewObservation,
        result: FetchResult,
        attempts: list[NewFetchAttempt],
        *,
        render: bool,
    ) -> tuple[NewObservation, FetchResult]:
        """The observation, re-fetched and compared when its price moved implausibly."""
        if observation.price is None:
            return observation, result
        baseline = await asyncio.to_thread(self.repository.last_priced_observation, listing.id)
        return await confirmed(
            self.pages,
            listing,
            observation,
            result,
            attempts,
            baseline=baseline,
            render=render,
            clock=self._clock,
        )

    async def _store_failed(
        self, listing_id: int, result: FetchResult, attempts: list[NewFetchAttempt]
    ) -> CheckOutcome:
        """Store a fetch that failed: its attempts and the next check time, no observation
        (a failure says nothing about the price)."""
        await asyncio.to_thread(
            self.repository.record_check,
            listing_id,
            attempts,
            None,
            next_check=self._next_check(listing_id),
        )
        return CheckOutcome.of(listing_id, result, None)

    async def _store_blocked(
        self, listing_id: int, result: FetchResult, attempts: list[NewFetchAttempt], why: str
    ) -> CheckOutcome:
        """Store "no price (blocked: why)": a wall says nothing about the price."""
        blocked = NewObservation(
            None, None, source="fetch", reason=f"blocked: {why}", observed_at=self._clock()
        )
        return await self._store(listing_id, result, attempts, blocked, forget=True)

    async def _store(
        self,
        listing_id: int,
        result: FetchResult,
        attempts: list[NewFetchAttempt],
        observation: NewObservation,
        *,
        forget: bool = False,
    ) -> CheckOutcome:
        reusable = (
            not forget
            and result.ok
            and not (observation.reason or "").startswith((UNCONFIRMED, EXTRACTION_ERROR))
            and bool(result.etag or result.last_modified)
        )
        stored = await asyncio.to_thread(
            self.repository.record_check,
            listing_id,
            attempts,
            observation,
            validators=Validators(result.etag, result.last_modified) if reusable else None,
            forget_validators=not reusable,
            on_observation=alerts_in_transaction,
            next_check=self._next_check(listing_id),
        )
        return CheckOutcome.of(listing_id, result, stored)


async def check_listings(
    repository: Repository,
    listings: Iterable[ListingView],
    *,
    settings: Settings | None = None,
    on_done: Callable[[CheckOutcome], None] | None = None,
) -> list[CheckOutcome]:
    """Check many listings concurrently with one Fetcher; outcomes in the given order.

    On a store several services share (PostgreSQL) every request takes a turn from its
    host's budget in the store, as the services' do (`tracker.checks.turns`), so that a
    check by hand beside them keeps each host's delay; elsewhere the fetcher's own gate
    paces this process's requests."""
    settings = settings or load_settings()
    turns = shared_turns(repository.engine, settings)
    async with (
        Fetcher(fetch_policy(settings), turns=turns) as fetcher,
        Checker(repository, fetcher, settings) as checker,
    ):

        async def one(listing: ListingView) -> CheckOutcome:
            outcome = await checker.check(listing)
            if on_done is not None:
                on_done(outcome)
            return outcome

        return list(await asyncio.gather(*(one(listing) for listing in listings)))
