"""What every daoshou screen shares: the context handed down, and how blocking work runs.

Blocking work (SQLite reads, the optimiser) runs in a thread worker owned by the app, so
the app's single `on_worker_state_changed` handler turns every failure into a
notification. The worker function posts its result back to the screen as a message, and
only while its worker is not cancelled: work superseded by newer work of the same group
(a plan for an older cart) never lands after the newer result. Work that takes minutes
(forecasts) runs in a child process the app can abandon (`tui.background`).

Screens speak to the app only through messages: `announce` posts `ChangeAnnounced`, which
bubbles up to the app, and the app tells every screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any, TypeVar

from textual.dom import DOMNode
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.worker import NoActiveWorker, Worker, get_current_worker

from tracker.platforms import platform_name
from tui.background import run_in_child
from tui.context import AppContext
from tui.i18n import retranslate, t
from tui.messages import ChangeAnnounced, StoreChanged, WorkFinished
from tui.phrases import outcome_text

R = TypeVar("R")


def relabel_bindings(node: DOMNode, *, refresh: bool = True) -> None:
    """Word `node`'s key hints in the current language: its bindings were copied from the
    class, declared in the language of start-up (the footer and `?` read them)."""
    for key, bindings in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, description=retranslate(b.description)) for b in bindings
        ]
    if refresh:
        node.refresh_bindings()


class DaoshouScreen(Screen[Any]):
    """A screen that knows the app context and runs blocking work off the event loop."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        relabel_bindings(self, refresh=False)

    def redraw_after_recompose(self) -> None:
        """After a language switch rebuilt the widgets: fill them again (screens with
        data override this)."""

    def run_blocking(
        self, work: Callable[..., Any], *args: Any, group: str, exclusive: bool = True
    ) -> Worker[Any]:
        """Run `work(*args)` in a thread; a newer call in the same group supersedes."""
        return self.app.run_worker(
            partial(work, *args),
            name=group,
            group=group,
            thread=True,
            exclusive=exclusive,
            exit_on_error=False,
        )

    def check_now(self, listing_ids: list[int]) -> None:
        """Fetch these listings now (an async worker); the outcome comes back as
        `WorkFinished`, the new prices through the app's poll."""
        self.app.run_worker(
            self._check(listing_ids), name="check-now", group="check-now", exit_on_error=False
        )

    async def _check(self, listing_ids: list[int]) -> None:
        from tracker.checks.check import check_listings  # the fetch stack loads only when used
        from tracker.checks.outcome import LEASED, SKIPPED

        # Opening the store may import SQLAlchemy: never on the event loop.
        repository = await asyncio.to_thread(lambda: self.context.repository)
        listings = await asyncio.to_thread(repository.list_listings, listing_ids)
        outcomes = await check_listings(repository, listings)
        platforms = {listing.id: platform_name(listing.platform) for listing in listings}
        lines = [
            t("check.on_platform", platform=platforms.get(o.listing_id, ""), result=outcome_text(o))
            for o in outcomes
        ]
        failed = any(o.observation is None and o.fetch not in (SKIPPED, LEASED) for o in outcomes)
        self.post_result(WorkFinished("\n".join(lines), "warning" if failed else "information"))

    def post_result(self, message: Message) -> None:
        """Post a worker's result, unless its worker was cancelled (superseded, or the
        app is quitting): a stale result must never land after a fresh one."""
        post_unless_cancelled(self, message)

    def in_child(self, work: Callable[..., R], *args: Any) -> R:
        """From a thread worker: `work(*args)` in a child process, abandoned (WorkAbandoned)
        as soon as this worker is cancelled."""
        worker = get_current_worker()
        return run_in_child(work, *args, cancelled=lambda: worker.is_cancelled)

    def announce(self, change: type[StoreChanged]) -> None:
        """Tell every screen (this one included) that the store changed (thread-safe)."""
        if not _cancelled():
            self.post_message(ChangeAnnounced(change))


def post_unless_cancelled(target: MessagePump, message: Message) -> None:
    """Post `message` to `target` unless the worker running this code was cancelled."""
    if not _cancelled():
        target.post_message(message)


def _cancelled() -> bool:
    """Whether the worker running this code was cancelled (False on the event loop)."""
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:
        return False
