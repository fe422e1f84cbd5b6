"""SettingsScreen: what daoshou is set to, where it keeps things, and the UI language.

The settings file is the user's (`tracker.settings`: daoshou reads it, never rewrites it,
so comments and layout survive); this screen shows the effective values and the file to
edit. The UI language can be switched here for the running session.
"""

from __future__ import annotations

import os
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Label, Select, Static

from tracker import locations
from tracker.errors import SettingsError
from tracker.fetch.sessions import session_statuses
from tracker.platforms import platform_name
from tracker.settings import Language, Settings, load_settings, settings_path
from tui.context import AppContext
from tui.i18n import STRINGS, current_language, set_language, t
from tui.messages import LanguageSwitched
from tui.screens.base import DaoshouScreen
from tui.text import safe_content


def _shown(path: object) -> str:
    """A path or URL with the DAOSHOU_HOME prefix written as `$DAOSHOU_HOME`."""
    text = str(path)
    home = os.environ.get(locations.HOME_ENV, "").strip()
    return text.replace(home, f"${locations.HOME_ENV}") if home else text


def _sessions_label() -> str:
    """The signed-in browser profiles (`daoshou browser status`), one clause each."""
    shown = [
        f"{platform_name(s.platform)} {_catalogued('session', s.state)}"
        + (f" {s.working_at}" if s.working_at else "")
        for s in session_statuses()
        if s.profile
    ]
    return "; ".join(shown) or t("settings.session.none")


def _catalogued(group: str, value: str) -> str:
    """A setting's value in the current language (`group.value`), else as written."""
    key = f"{group}.{value}"
    return t(key) if key in STRINGS else value


def _database_label(context: AppContext) -> str:
    return _shown(context.shown_url)


class SettingsScreen(DaoshouScreen):
    """Effective settings, file locations and the language switch."""

    AUTO_FOCUS = "#settings-language"  # the one thing to change here; keys work at once
    BINDINGS: ClassVar[list[BindingType]] = []

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.settings: Settings | None = None
        self.problem: str | None = None
        try:
            self.settings = load_settings()
        except SettingsError as exc:  # a malformed file is shown on the screen, not raised
            self.problem = exc.one_line(current_language())

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="settings-form"):
            with Horizontal():
                yield Label(t("settings.language"))
                yield Select(
                    [("中文", "zh"), ("English", "en")],
                    value=current_language(),
                    allow_blank=False,
                    id="settings-language",
                )
            for label, value in self._rows():
                with Horizontal():
                    yield Label(label)
                    yield Static(safe_content(value))
        yield Footer()

    def _rows(self) -> list[tuple[str, str]]:
        rows = [
            (t("settings.database"), _database_label(self.context)),
            (t("settings.settings_file"), _shown(settings_path())),
            (t("settings.logs"), _shown(locations.log_dir())),
        ]
        if self.settings is None:
            return [*rows, ("!", self.problem or "")]
        s = self.settings
        off = ", ".join(sorted(h for h, v in s.hosts.items() if not v.robots))
        return [
            (t("settings.interval"), f"{s.interval_minutes} (± {s.jitter_minutes})"),
            (t("settings.robots"), t("settings.robots_off", hosts=off) if off else "✓"),
            (t("settings.browser"), _catalogued("settings.browser", s.browser_mode)),
            (t("settings.sessions"), _sessions_label()),
            *rows,
        ]

    def on_mount(self) -> None:
        self.sub_title = t("nav.settings")

    @on(Select.Changed, "#settings-language")
    async def _language_changed(self, event: Select.Changed) -> None:
        value = str(event.value)
        if value in ("zh", "en") and value != current_language():
            language: Language = "zh" if value == "zh" else "en"
            set_language(language)
            self.post_message(LanguageSwitched(language))  # the app relabels the other screens
            self.sub_title = t("nav.settings")
            await self.recompose()
            self.app.notify(t("settings.language_switched"), markup=False)
