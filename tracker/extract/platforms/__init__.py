"""Adapters for the Chinese platforms, each reading the page state its pages embed.

Which adapter runs is decided by the page's host, through the one table of platform hosts
(`tracker.platforms.platform_of_host`), so a URL's platform and its adapter never
disagree. What each can do without a login, and
what needs cookies or browser mode, is documented in docs/platforms.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from tracker.extract.model import Found
from tracker.extract.page import Page
from tracker.extract.platforms import douyin, jd, pinduoduo, taobao
from tracker.platforms import platform_of_host

Adapter = Callable[[Page], Found]


class _Platform(Protocol):
    """What each platform module provides: a content test and its adapter."""

    def recognise(self, page: Page) -> bool: ...

    def extract(self, page: Page) -> Found: ...


_PLATFORMS: tuple[_Platform, ...] = (jd, taobao, pinduoduo, douyin)
# Tmall and Taobao pages share one page state, so one module reads both.
_BY_PLATFORM: dict[str, _Platform] = {
    "jd": jd,
    "tmall": taobao,
    "taobao": taobao,
    "pdd": pinduoduo,
    "douyin": douyin,
}


def adapter_for(page: Page) -> Adapter | None:
    """The platform adapter for a page, by its host or, for a saved file, by its content.

    A page saved without its URL is recognised by its page state: each platform module's
    `recognise` looks for its state in the script bodies (a C-level search, cheap even on a
    megabyte page).
    """
    host = page.host
    if host:
        platform = _BY_PLATFORM.get(platform_of_host(host))
        return platform.extract if platform else None
    for platform in _PLATFORMS:
        if platform.recognise(page):
            return platform.extract
    return None
