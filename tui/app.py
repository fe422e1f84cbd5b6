"""The daoshou terminal app: wiring only. Screens coordinate, widgets display.

Three things live here because they are app-wide: the screens' modes and the command
palette entries, the poll that notices new observations written by any process, and the
ONE handler turning a failed worker into a notification (never a traceback).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from planner.errors import DaoshouError
from tracker import locations
from tracker.queries.watchlist import latest_observation_id
from tui.context import AppContext
from tui.i18n import t
from tui.messages import PricesRecorded
from tui.screens.base import DaoshouScreen
from tui.text import clean

log = logging.getLogger("daoshou.tui")


# mode -> (module, class): a screen's module (and its heavy imports: the optimiser,
# spreadsheets, Apprise) loads the first time the user opens it, not at launch.
_MODES = {
    "watchlist": ("tui.screens.watchlist", "WatchlistScreen"),
    "planner": ("tui.screens.planner", "PlannerScreen"),
    "alerts": ("tui.screens.alerts", "AlertsScreen"),
    "settings": ("tui.screens.settings", "SettingsScreen"),
}


def _make_screen(mode: str, context: AppContext) -> DaoshouScreen:
    module, name = _MODES[mode]
    screen_class: type[DaoshouScreen] = getattr(importlib.import_module(module), name)
    return screen_class(context)


class DaoshouApp(App[None]):
    """到手 daoshou: the watchlist, products, the planner, alerts and settings."""

    CSS_PATH = "app.tcss"
    TITLE = "daoshou 到手"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("w", "switch_mode('watchlist')", t("nav.watchlist")),
        Binding("p", "switch_mode('planner')", t("nav.planner")),
        Binding("l", "switch_mode('alerts')", t("nav.alerts")),
        Binding("comma", "switch_mode('settings')", t("nav.settings"), key_display=","),
        Binding("q", "quit", t("nav.quit")),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.seen_observation = -1
        for mode in _MODES:
            self.add_mode(mode, partial(_make_screen, mode, context))

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.switch_mode("watchlist")
        if self.context.demo_home is not None:
            self.notify(t("demo.banner", home=self.context.demo_home), markup=False, timeout=6)
        if self.context.poll_seconds > 0:
            self.set_interval(self.context.poll_seconds, self.poll_observations)
        if self.context.run_scheduler:
            self.run_worker(
                self._run_scheduler(), name="scheduler", group="scheduler", exit_on_error=False
            )

    async def _run_scheduler(self) -> None:
        """The tracker's scheduler on the app's loop: listings are checked while it runs."""
        from tracker.checks.jobs import service_jobs
        from tracker.checks.scheduler import TrackerService

        service = TrackerService(self.context.repository, jobs=service_jobs())
        await service.run(asyncio.Event())

    async def relabel(self) -> None:
        """After a language switch: rebuild every screen but the current one, so each
        renders in the new language when next shown (key hints keep the start-up one)."""
        self.title = t("app.title")
        for mode in _MODES:
            if mode != self.current_mode:
                await self.remove_mode(mode)
                self.add_mode(mode, partial(_make_screen, mode, self.context))

    def poll_observations(self) -> None:
        """Look for observations recorded since the last look (cheap: one MAX(id))."""
        self.run_worker(
            self._read_latest,
            name="poll",
            group="poll",
            thread=True,
            exclusive=True,
            exit_on_error=False,
        )

    def _read_latest(self) -> None:
        latest = latest_observation_id(self.context.engine)
        if self.seen_observation < 0:
            self.seen_observation = latest
        elif latest > self.seen_observation:
            after, self.seen_observation = self.seen_observation, latest
            self.call_from_thread(self.broadcast, partial(PricesRecorded, latest, after))

    def broadcast(self, make: Callable[[], Message]) -> None:
        """Post a fresh `make()` to every screen (a message instance is delivered once)."""
        for screen in self._every_screen():
            screen.post_message(make())

    def _every_screen(self) -> Iterable[Screen[Any]]:
        seen: set[int] = set()
        for stack in self._screen_stacks.values():
            for screen in stack:
                if id(screen) not in seen:
                    seen.add(id(screen))
                    yield screen

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker becomes a notification saying what to do."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DaoshouError):
            text = t("error.what_to_do", error=error.one_line())
        else:
            log.error("worker %s failed", event.worker.name, exc_info=error)
            detail = f"{type(error).__name__}: {error}"
            text = t("error.unexpected", error=detail, log=locations.APP_LOG_NAME)
        self.notify(clean(text, limit=400), severity="error", markup=False, timeout=10)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: every screen and the main actions, by name."""
        yield from super().get_system_commands(screen)
        for mode in _MODES:
            yield SystemCommand(
                t(f"nav.{mode}"), t(f"nav.{mode}"), lambda mode=mode: self.switch_mode(mode)
            )
        if hasattr(screen, "action_add"):
            yield SystemCommand(t("add.title"), t("add.help"), screen.action_add)
