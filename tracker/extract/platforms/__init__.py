"""Adapters for the Chinese platforms, each reading the page state its pages embed.

Which adapter runs is decided by the page's host. What each can do without a login, and
what needs cookies or browser mode, is documented in docs/platforms.md.
"""

from __future__ import annotations

from collections.abc import Callable

from tracker.extract.model import Found
from tracker.extract.page import Page
from tracker.extract.platforms import douyin, jd, pinduoduo, taobao

Adapter = Callable[[Page], Found]

_PLATFORMS = (jd, taobao, pinduoduo, douyin)
# The first string of every signature: if none occurs, no platform's can (plain `in`
# scans are far faster over a megabyte of HTML than a regular expression).
_STATE_NAMES = frozenset(pair[0] for platform in _PLATFORMS for pair in platform.SIGNATURES)


def adapter_for(page: Page) -> Adapter | None:
    """The platform adapter for a page, by its host or, for a saved file, by its content.

    A page saved without its URL is recognised by its page state: each platform module
    lists `SIGNATURES`, pairs of strings that together occur only in that platform's pages.
    """
    host = page.host
    for platform in _PLATFORMS:
        if any(host == h or host.endswith("." + h) for h in platform.HOSTS):
            return platform.extract
    if host or not any(name in page.html for name in _STATE_NAMES):
        return None
    for platform in _PLATFORMS:
        if any(all(mark in page.html for mark in pair) for pair in platform.SIGNATURES):
            return platform.extract
    return None
