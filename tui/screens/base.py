"""What every daoshou screen shares: the context handed down, and how blocking work runs.

Blocking work (SQLite reads, the optimiser, forecasts) runs in a thread worker owned by the
app, so the app's single `on_worker_state_changed` handler turns every failure into a
notification. The worker function posts its result back to the screen as a message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker

from tui.context import AppContext
from tui.messages import WorkFinished

if TYPE_CHECKING:
    from tui.app import DaoshouApp


class DaoshouScreen(Screen[Any]):
    """A screen that knows the app context and runs blocking work off the event loop."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

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

        repository = self.context.repository
        listings = await asyncio.to_thread(repository.list_listings, listing_ids)
        outcomes = await check_listings(repository, listings)
        self.post_message(WorkFinished("; ".join(o.summary for o in outcomes)))

    def broadcast(self, make: Callable[[], Message]) -> None:
        """Tell every screen (this one included) about something that changed."""
        cast("DaoshouApp", self.app).broadcast(make)
