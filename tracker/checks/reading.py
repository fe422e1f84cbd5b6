"""What a fetched page says: the extractors' reading as an observation, never a crash,
and confirmed by a second reading when the price moved too far to believe.

A page that trips an extractor bug is its listing's problem only: the traceback is
logged, the observation is "no price (extraction error: ...)", and the other listings'
checks go on. A price the sanity rule finds implausible (`tracker.checks.sanity`) is
stored only if the page, fetched again, says the same; otherwise the observation is
"no price (unconfirmed change ...)": precision over recall.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from tracker.checks.outcome import one_line_reason
from tracker.checks.pages import NewPage, Pages
from tracker.checks.sanity import plausible
from tracker.extract import extract_page
from tracker.extract.model import JS_NOTE
from tracker.fetch.result import FetchResult
from tracker.store.views import ListingView, NewFetchAttempt, NewObservation, ObservationView

log = logging.getLogger("daoshou.check")

EXTRACTION_ERROR = "extraction error"
UNCONFIRMED = "unconfirmed change"


def read_page(result: FetchResult, clock: Callable[[], datetime]) -> tuple[NewObservation, bool]:
    """The observation, and whether the page may be priced by JavaScript: the extractors
    said so, or found no price candidate at all (browser mode "auto" then renders it)."""
    try:
        found = extract_page(result.text, result.final_url)
    except Exception as exc:
        reason = f"{EXTRACTION_ERROR}: {one_line_reason(exc)}"[:300]
        log.warning("extraction failed on %s: %s", result.final_url, reason)
        log.debug("the extraction's traceback", exc_info=exc)
        return NewObservation(None, None, reason=reason, observed_at=clock()), False
    may_need_js = found.reason == JS_NOTE or (found.price is None and not found.candidates)
    return NewObservation(
        price=found.price,
        currency=found.currency,
        list_price=found.list_price,
        in_stock=found.in_stock,
        is_from_price=found.is_from_price,
        title=found.title,
        source=found.source,
        reason=found.reason,
        observed_at=clock(),
        promotions=found.promotions if found.price is not None else (),
    ), may_need_js


async def confirmed(
    pages: Pages,
    listing: NewPage | ListingView,
    observation: NewObservation,
    result: FetchResult,
    attempts: list[NewFetchAttempt],
    *,
    baseline: ObservationView | None,
    render: bool,
    clock: Callable[[], datetime],
) -> tuple[NewObservation, FetchResult]:
    """The observation, re-fetched and compared when its price moved implausibly from
    `baseline` (the listing's last priced observation); the result it was read from."""
    if baseline is None or plausible(baseline, observation):
        return observation, result
    if render:
        second = await pages.render(listing, attempts)
    else:
        second = await pages.fetch(listing, None, attempts)
    again = (await asyncio.to_thread(read_page, second, clock))[0] if second.ok else None
    if again is not None and (again.price, again.currency) == (
        observation.price,
        observation.currency,
    ):
        return again, second
    seen = f"{again.price} {again.currency}" if again and again.price else "no price"
    reason = (
        f"{UNCONFIRMED}: {baseline.price} {baseline.currency} -> "
        f"{observation.price} {observation.currency}, re-fetch saw {seen}"
    )
    unconfirmed = replace(observation, price=None, list_price=None, reason=reason)
    return unconfirmed, second
