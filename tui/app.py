"""The daoshou terminal app: wiring only. Screens coordinate, widgets display.

Three things live here because they are app-wide: the screens' modes and the command
palette entries, the poll that notices new observations written by any process, and the
ONE handler turning a failed worker into a notification (never a traceback).
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import weakref
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any, ClassVar, cast

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from planner.errors import DaoshouError
from tracker import locations
from tui.background import WorkAbandoned, terminate_all
from tui.context import AppContext
from tui.i18n import current_language, set_language, t
from tui.messages import ChangeAnnounced, LanguageSwitched, PricesRecorded
from tui.screens.base import DaoshouScreen, relabel_bindings
from tui.text import display_text
from tui.textual_words import SYSTEM_COMMANDS

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
    # Below 110 columns or 30 rows the screens rearrange (app.tcss, `.-narrow`, `.-short`):
    # 80x24 must work.
    # Unannotated: App declares them as attributes the type checker reads as per instance,
    # so a ClassVar here is an error to it (and no ClassVar one to ruff).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012
    TITLE = "daoshou 到手"
    BINDINGS: ClassVar[list[BindingType]] = [
        # Screens' own keys come first in the footer; these are listed by `?`.
        Binding("w", "switch_mode('watchlist')", t("nav.watchlist"), show=False),
        Binding("p", "switch_mode('planner')", t("nav.planner"), show=False),
        Binding("l", "switch_mode('alerts')", t("nav.alerts"), show=False),
        Binding("comma", "switch_mode('settings')", t("nav.settings"), key_display=",", show=False),
        Binding("question_mark", "keys", t("nav.keys"), key_display="?"),
        Binding("q", "quit", t("nav.quit"), show=False),
        # Declared here (not left to Textual) so the footer names it in the app's language.
        Binding("ctrl+p", "command_palette", t("nav.palette"), show=False, priority=True),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.seen_observation = -1
        self._screens: weakref.WeakSet[Screen[Any]] = weakref.WeakSet()
        relabel_bindings(self, refresh=False)  # the class was declared in another language
        for mode in _MODES:
            self.add_mode(mode, partial(_make_screen, mode, context))

    def _remember_screen(self, screen: Screen[Any]) -> None:
        """Every screen shown is one to tell news to (kept weakly: closed screens go)."""
        self._screens.add(screen)

    def on_unmount(self) -> None:
        """Quitting: abandon long computations at once instead of waiting for them."""
        terminate_all()

    def on_mount(self) -> None:
        self.screen_change_signal.subscribe(self, self._remember_screen)
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

        # Opening the store may import SQLAlchemy: never on the event loop.
        repository = await asyncio.to_thread(lambda: self.context.repository)
        service = TrackerService(repository, jobs=service_jobs())
        await service.run(asyncio.Event())

    async def on_language_switched(self, message: LanguageSwitched) -> None:
        """A screen switched the language: relabel the rest."""
        await self.relabel()

    async def relabel(self) -> None:
        """After a language switch: rebuild every screen but the current one, so each
        renders in the new language when next shown; the app's and the current screen's
        key hints are relabelled in place."""
        self.title = t("app.title")
        relabel_bindings(self)
        relabel_bindings(self.screen)
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
        from tracker.queries.watchlist import latest_observation_id

        latest = latest_observation_id(self.context.engine)
        if self.seen_observation < 0:
            self.seen_observation = latest
        elif latest > self.seen_observation:
            after, self.seen_observation = self.seen_observation, latest
            self.call_from_thread(self.broadcast, partial(PricesRecorded, latest, after))

    def on_change_announced(self, message: ChangeAnnounced) -> None:
        """A screen changed the store: every screen hears of it."""
        self.broadcast(message.change)

    def broadcast(self, make: Callable[[], Message]) -> None:
        """Post a fresh `make()` to every screen (a message instance is delivered once)."""
        for screen in list(self._screens):
            if screen.is_attached:
                screen.post_message(make())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker becomes a notification saying what to do."""
        if event.state != WorkerState.ERROR or isinstance(event.worker.error, WorkAbandoned):
            return
        error = event.worker.error
        if isinstance(error, DaoshouError):
            text = t("error.what_to_do", error=error.one_line(current_language()))
        else:
            log.error("worker %s failed", event.worker.name, exc_info=error)
            detail = f"{type(error).__name__}: {error}"
            text = t("error.unexpected", error=detail, log=locations.APP_LOG_NAME)
        self.notify(display_text(text, limit=400), severity="error", markup=False, timeout=10)

    def action_keys(self) -> None:
        """`?`: the current screen's keys and what each does (again: hide them). Textual's
        widgets declare their keys in English: they are worded in the app's language first."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
            self.screen.remove_class("-keys-open")
            return
        for node in self.screen.walk_children(with_self=True):
            relabel_bindings(node, refresh=False)
        self.screen.add_class("-keys-open")  # a narrow footer gives way to the panel (tcss)
        self.action_show_help_panel()

    def action_command_palette(self) -> None:
        """The palette, its search box prompting in the app's language."""
        from textual.command import CommandPalette

        # Textual types `is_open` for App[object]; App is invariant in its result type.
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            palette = CommandPalette(id="--command-palette", placeholder=t("palette.search"))
            self.push_screen(palette)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen (Downloads, else daoshou's own directory) and say where."""
        target = path or str(locations.screenshots_dir())
        saved = self.save_screenshot(filename, target)
        self.notify(t("app.screenshot_saved", path=saved), markup=False)

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Textual's own "Screenshot" command saves to Downloads and fails where there is
        none: it saves where `action_screenshot` does."""
        target = path or str(locations.screenshots_dir())
        return super().deliver_screenshot(filename, target, time_format)

    def action_palette_run(self, mode: str | None, action: str) -> None:
        """Run a screen's action from the palette, opening its screen first if needed."""
        if mode is not None and not hasattr(self.screen, f"action_{action.split('(')[0]}"):
            self.switch_mode(mode)
        self.call_after_refresh(self.screen.run_action, action)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: every screen and every main action, each with what it does."""
        for command in super().get_system_commands(screen):  # Textual's, in English
            key = SYSTEM_COMMANDS.get(command.help)
            if key is None:
                yield command
            elif key.startswith("palette.keys"):  # `?`: with Textual's keys worded too
                yield SystemCommand(t(key), t(f"{key}.help"), self.action_keys)
            else:
                yield SystemCommand(t(key), t(f"{key}.help"), command.callback, command.discover)
        for mode in _MODES:
            yield SystemCommand(
                t(f"nav.{mode}"), t(f"palette.{mode}"), lambda mode=mode: self.switch_mode(mode)
            )
        for key, action_mode, action in PALETTE_ACTIONS:
            if action_mode is None and not hasattr(screen, f"action_{action.split('(')[0]}"):
                continue  # an action of one screen only (pause: the product screen)
            yield SystemCommand(
                t(f"palette.{key}"),
                t(f"palette.{key}.help"),
                partial(self.action_palette_run, action_mode, action),
            )
        yield SystemCommand(
            t("palette.language"), t("palette.language.help"), self.action_switch_language
        )

    async def action_switch_language(self) -> None:
        """Chinese <-> English for this session (the setting file is left alone)."""
        set_language("en" if current_language() == "zh" else "zh")
        await self.relabel()
        await self.screen.recompose()
        if isinstance(self.screen, DaoshouScreen):
            self.screen.redraw_after_recompose()
        self.notify(t("settings.language_switched"), markup=False)


# (palette key, the mode whose screen has the action or None for "this screen only",
# the action): what the command palette offers besides the screens.
PALETTE_ACTIONS: tuple[tuple[str, str | None, str], ...] = (
    ("check", "watchlist", "check"),
    ("add", "watchlist", "add"),
    ("forecast", "watchlist", "forecast_all"),
    ("forecast_one", None, "forecast"),
    ("pause", None, "pause"),
    ("filter", "watchlist", "filter"),
    ("cart", "watchlist", "add_to_cart"),
    ("optimise", "planner", "optimise"),
    ("export", "planner", "export"),
    ("test", "alerts", "test"),
    ("columns", "watchlist", "all_columns"),
)
