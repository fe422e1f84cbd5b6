"""A check's pages: fetched over HTTP or rendered in the user's browser, paced per host.

Every way a check reads a page goes through `Pages`: the polite Fetcher (robots.txt,
per-host concurrency and delay, the user's longer per-host delays), or a Chromium that
shares the Fetcher's per-host gate and robots.txt cache, one per signed-in platform
profile plus an anonymous one, started on first need and kept for the checker's life.
Each fetch is recorded as a `NewFetchAttempt` in the caller's list, stored with the
check's outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tracker import locations
from tracker.checks.signed_in import SignedInSessions
from tracker.errors import FetchError
from tracker.fetch.browser import BrowserFetcher
from tracker.fetch.cookies import CookieStore
from tracker.fetch.fetcher import Fetcher, FetchPolicy, checked_url, host_key
from tracker.fetch.result import FetchOutcome, FetchResult
from tracker.settings import Settings
from tracker.store.views import ListingView, NewFetchAttempt, Validators


@dataclass(frozen=True)
class NewPage:
    """A page about to become a listing: what fetching it needs."""

    url: str
    platform: str
    use_browser: bool = False


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The Fetcher's policy from the user's settings (cookies from the user's cookie file)."""
    ignored = frozenset(host for host, over in settings.hosts.items() if not over.robots)
    values: dict[str, object] = {}
    if settings.user_agent:
        values["user_agent"] = settings.user_agent
    return FetchPolicy(
        max_concurrency=settings.max_concurrency,
        per_host_concurrency=settings.per_host_concurrency,
        per_host_delay=settings.min_delay_seconds,
        read_timeout=settings.timeout_seconds,
        robots_ignored_hosts=ignored,
        cookies=CookieStore(),
        **values,  # type: ignore[arg-type]
    )


class Pages:
    """Fetches and renders pages for one Checker; close it to close the browsers."""

    def __init__(
        self,
        fetcher: Fetcher,
        settings: Settings,
        sessions: SignedInSessions,
        clock: Callable[[], datetime],
    ) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self._sessions = sessions
        self._clock = clock
        self._paced_hosts: set[str] = set()
        self._browsers: dict[str | None, BrowserFetcher] = {}  # by signed-in platform
        self._browser_lock = asyncio.Lock()
        self._browser_stack = contextlib.AsyncExitStack()

    async def aclose(self) -> None:
        await self._browser_stack.aclose()
        self._browsers.clear()

    async def fetch(
        self,
        listing: NewPage | ListingView,
        validators: Validators | None,
        attempts: list[NewFetchAttempt],
    ) -> FetchResult:
        self.pace(listing.url)
        started = self._clock()
        result = await self.fetcher.fetch(
            listing.url,
            etag=validators.etag if validators else None,
            last_modified=validators.last_modified if validators else None,
            platform=listing.platform,
        )
        attempts.append(attempt_of(result, started))
        return result

    async def render(
        self, listing: NewPage | ListingView, attempts: list[NewFetchAttempt]
    ) -> FetchResult:
        """Fetch through the browser; a browser that cannot start fails this fetch only."""
        self.pace(listing.url)
        started = self._clock()
        try:
            browser = await self.open_browser(self._sessions.platform_of(listing.platform))
            result = await browser.fetch(listing.url, platform=listing.platform)
        except FetchError as exc:
            result = FetchResult(
                url=listing.url,
                final_url=listing.url,
                outcome=FetchOutcome.NETWORK_ERROR,
                error=f"browser mode: {exc.one_line()}",
            )
        attempts.append(attempt_of(result, started))
        return result

    async def open_browser(self, platform: str | None) -> BrowserFetcher:
        """The browser for `platform`'s signed-in profile, or the anonymous one for None.

        Every browser shares the HTTP fetcher's per-host gate and robots.txt cache, so a
        shop sees one visitor whichever way its pages are read.
        """
        async with self._browser_lock:
            if platform not in self._browsers:
                profile = locations.browser_profile_dir(platform) if platform else None
                browser = BrowserFetcher(
                    executable=self.settings.chromium_path, fetcher=self.fetcher, profile=profile
                )
                self._browsers[platform] = await self._browser_stack.enter_async_context(browser)
            return self._browsers[platform]

    def pace(self, url: str) -> None:
        """Apply the user's per-host minimum delay when it is longer than the global one."""
        parsed = checked_url(url)
        key = host_key(parsed)
        if key in self._paced_hosts:
            return
        self._paced_hosts.add(key)
        delay = self.settings.min_delay_for(parsed.host)
        if delay > self.fetcher.policy.per_host_delay:
            self.fetcher.gate.slow_down(key, delay)


def attempt_of(result: FetchResult, started: datetime) -> NewFetchAttempt:
    """The fetch attempt a result is stored as."""
    return NewFetchAttempt(
        status=result.outcome.value,
        http_status=result.status,
        error=result.error,
        duration_ms=result.elapsed_ms,
        bytes_received=len(result.body),
        started_at=started,
    )
