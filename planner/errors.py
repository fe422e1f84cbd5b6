"""The errors daoshou reports to its users, as one tree: the bottom of the core.

`planner` never imports `tracker`, so the root and the planner's errors live here and the
tracker's branch in `tracker.errors`; no other module declares a user-facing error.

    DaoshouError                 anything daoshou can explain in one line
    ├── CartError                a cart file is malformed (file, line, field)
    ├── PlanError                a cart is valid but cannot be planned (infeasible)
    ├── ForecastError            a forecast cannot be made (no usable history)
    ├── HistoryImportError       an imported price-history CSV is malformed
    └── (tracker.errors)
        ├── FetchError           a page could not be fetched (URL, status, what to do)
        │   ├── UnsupportedURLError  not http(s)
        │   └── RobotsDisallowedError
        ├── ExtractionInputError an input to `extract` cannot be read
        ├── StoreError           the database cannot be opened or migrated
        ├── CookieError          the user's cookie file is malformed
        ├── NotFoundError        an id the user named does not exist
        ├── AlertError           an alert rule or channel is invalid
        └── SettingsError        the settings file is unreadable or holds a bad value

Every error carries `hint`: what the user should do. The command line maps this tree to a
one-line message in exactly one place (`tui.cli.errors`); the terminal app shows the same
text as a notification. An error may also carry its Chinese wording (`zh`), which the
app and the command line show when they speak Chinese; without it they show the English.
Programming errors are not DaoshouErrors and keep their traceback.
"""

from __future__ import annotations


class DaoshouError(Exception):
    """An error with a one-line, user-facing explanation and a hint on what to do."""

    def __init__(self, message: str, hint: str = "", *, zh: tuple[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.zh = zh  # (message, hint) in Chinese, where the raiser words them

    def one_line(self, language: str = "en") -> str:
        """The message and the hint, on one line, for terminals and notifications; in
        Chinese when asked and the error has the words, else in English (logs, stores)."""
        message, hint = (self.message, self.hint)
        if language == "zh" and self.zh is not None:
            message, hint = self.zh
        text = " ".join(message.split())
        if not hint:
            return text
        return f"{text}（{hint}）" if language == "zh" and self.zh else f"{text} ({hint})"


class CartError(DaoshouError):
    """A cart file is malformed; the message names the file, the line and the field."""


class PlanError(DaoshouError):
    """A valid cart has no feasible plan (limits, budget, or offers rule every choice out)."""


class ForecastError(DaoshouError):
    """A forecast cannot be made from the history given."""


class HistoryImportError(DaoshouError):
    """An imported price-history file is malformed; the message names file and line."""
