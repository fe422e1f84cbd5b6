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

_ADAPTERS: tuple[tuple[tuple[str, ...], Adapter], ...] = (
    (jd.HOSTS, jd.extract),
    (taobao.HOSTS, taobao.extract),
    (pinduoduo.HOSTS, pinduoduo.extract),
    (douyin.HOSTS, douyin.extract),
)


def adapter_for(host: str) -> Adapter | None:
    """The platform adapter for a host, or None for an ordinary shop."""
    for hosts, adapter in _ADAPTERS:
        if any(host == h or host.endswith("." + h) for h in hosts):
            return adapter
    return None
