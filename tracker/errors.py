"""The tracker's branch of daoshou's error tree; the whole tree is drawn in `planner.errors`.

Every error the tracker raises for a user is declared here, so its rooms share one
vocabulary and the command line maps them in one place (`tui.cli.errors`).
"""

from __future__ import annotations

from planner.errors import DaoshouError


class FetchError(DaoshouError):
    """A page could not be fetched; the message names the URL and the status or cause."""


class UnsupportedURLError(FetchError):
    """The URL is not http or https."""


class RobotsDisallowedError(FetchError):
    """robots.txt forbids the URL and the user has not turned robots off for the host."""


class ExtractionInputError(DaoshouError):
    """An input given to `daoshou extract` cannot be read (missing file, not HTML)."""


class StoreError(DaoshouError):
    """The database cannot be opened, migrated or written."""


class NotFoundError(DaoshouError):
    """A product, listing, rule or channel id the user named does not exist."""


def no_such_listing(named: int | str) -> NotFoundError:
    """The error for listing ids the user named that do not exist (`named`: one id, or
    several as "3, 7"), in the words every command uses."""
    return NotFoundError(
        f"no listing with id {named}",
        "see the ids with: daoshou list",
        zh=(f"没有编号为 {named} 的商品链接", "用 daoshou list 查看编号"),
    )


class AlertError(DaoshouError):
    """An alert rule or channel is invalid."""


class CookieError(DaoshouError):
    """A cookie string or scope given to `daoshou cookies` is malformed."""


class SettingsError(DaoshouError):
    """The settings file cannot be read or holds an invalid value."""
