"""Adding a listing: its page is fetched once, at the door.

A URL that answers 404 or whose host cannot be reached would otherwise be tracked
"not yet checked" for ever, failing quietly at every check. So `daoshou add` and the app's
add dialog fetch the page first, through the same polite Fetcher and Checker as every
check (robots.txt, per-host delays, browser mode, signed-in profiles), and:

- refuse a URL that answers 4xx, cannot be reached, or that robots.txt forbids, with
  the reason in one line (`force=True` adds it anyway, with that failed attempt stored);
- otherwise store what the fetch read as the listing's first observation, so the page
  is not fetched twice, and name a new product after the page's title when the user gave
  no name (only a page with a price: a login or error page's title is no name).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from tracker.checks.check import Checker, FirstLook
from tracker.checks.outcome import CheckOutcome
from tracker.checks.pages import NewPage, fetch_policy
from tracker.errors import FetchError
from tracker.fetch.failures import failure_zh
from tracker.fetch.fetcher import Fetcher
from tracker.fetch.result import FetchOutcome, FetchResult
from tracker.platforms import detect_platform
from tracker.settings import Settings, load_settings
from tracker.store.repository import Repository, name_from_title
from tracker.store.views import ListingView

__all__ = ["Added", "add_checked", "add_checked_sync", "refusal"]


@dataclass(frozen=True)
class Added:
    """A listing just added and what its first fetch stored."""

    listing: ListingView
    outcome: CheckOutcome


def refusal(result: FetchResult) -> str | None:
    """Why a page should not be tracked, from its first fetch, or None when it may be.

    A 4xx means the address is wrong or gone; a network error means the host does not
    answer; robots.txt forbidding it means daoshou would never read it. A 5xx, a login
    wall or a page without a price are the shop's passing state and are tracked.
    """
    if result.outcome in (FetchOutcome.NETWORK_ERROR, FetchOutcome.ROBOTS):
        return result.error or result.outcome.value
    if result.outcome is FetchOutcome.HTTP_ERROR and result.status and result.status < 500:
        return result.error or f"HTTP {result.status}"
    return None


async def add_checked(
    repository: Repository,
    url: str,
    *,
    product: str | None = None,
    pack: str | None = None,
    check_interval_minutes: int | None = None,
    use_browser: bool = False,
    force: bool = False,
    settings: Settings | None = None,
) -> Added:
    """Fetch `url` once and track it (see the module docstring); FetchError when refused."""
    canonical, _ = await asyncio.to_thread(
        repository.vet_new_listing, url, pack, check_interval_minutes
    )
    settings = settings or load_settings()
    page = NewPage(canonical, detect_platform(canonical), use_browser)
    async with (
        Fetcher(fetch_policy(settings)) as fetcher,
        Checker(repository, fetcher, settings) as checker,
    ):
        look = await checker.look_first(page)
        reason = refusal(look.result)
        if reason and not force:
            raise FetchError(
                f"not adding {canonical}: {reason}",
                "check the address, or add it anyway with --force",
                zh=(f"未添加 {canonical}：{failure_zh(reason)}", "检查地址，或用 --force 仍然添加"),
            )
        listing = await asyncio.to_thread(
            repository.add_listing,
            canonical,
            product=product or _title_name(look),
            pack=pack,
            check_interval_minutes=check_interval_minutes,
            use_browser=use_browser,
        )
        return Added(listing, await checker.store_first(listing, look))


def add_checked_sync(repository: Repository, url: str, **options: object) -> Added:
    """`add_checked` for a caller without an event loop (the CLI, the app's worker thread)."""
    return asyncio.run(add_checked(repository, url, **options))  # type: ignore[arg-type]


def _title_name(look: FirstLook) -> str | None:
    seen = look.observation
    if seen is None or seen.price is None or not seen.title:
        return None
    return name_from_title(seen.title) or None
