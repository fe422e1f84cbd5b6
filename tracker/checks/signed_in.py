"""Checks through the user's signed-in browser profiles, one platform at a time.

When the user has signed in to a platform with `daoshou browser login <platform>`, every
check of that platform's listings renders through that profile (`tracker.fetch.sessions`).
This module keeps what a run learns about those sessions:

- one check at a time per platform profile, so the first listing that meets a login wall
  is known before the next one is fetched;
- once a platform's session is found signed out (a redirect or script navigation to a
  login page, or a page that is one), the remaining listings of that platform are not
  fetched: they are skipped with the same reason, which the user reads once per platform
  ("signed out of JD: run `daoshou browser login jd`"). daoshou never solves the wall.
  A new sign-in (a newer `signed_in_at` in the profile's state file) lifts the skip, so a
  long-running service follows the user;
- the profile's state file notes when the session last worked and last failed.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tracker.fetch.sessions import (
    BROWSER_PLATFORMS,
    has_profile,
    record_session,
    session_status,
    signed_out_message,
)
from tracker.platforms import platform_name

__all__ = ["SignedInSessions", "is_login_reason"]

_LOGIN_WORDS = ("login required", "login page")


def is_login_reason(reason: str | None) -> bool:
    """Whether a fetch error or "no price" reason says the visitor is not signed in."""
    return bool(reason) and any(word in reason for word in _LOGIN_WORDS)  # type: ignore[operator]


@dataclass
class SignedInSessions:
    """The platforms checked through a signed-in profile during one Checker's life."""

    locks: defaultdict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    failed: dict[str, tuple[str, str]] = field(default_factory=dict)  # platform -> (why, when)

    def platform_of(self, platform: str) -> str | None:
        """`platform` when its listings go through a signed-in profile, else None."""
        return platform if platform in BROWSER_PLATFORMS and has_profile(platform) else None

    def skip_reason(self, platform: str) -> str | None:
        """Why this platform's listings are not fetched now (its session failed), or None."""
        failed = self.failed.get(platform)
        if failed is None:
            return None
        signed_in = session_status(platform).signed_in_at
        if signed_in is not None and signed_in > failed[1]:
            del self.failed[platform]  # the user signed in again since
            return None
        return failed[0]

    async def signed_out(self, platform: str, error: str | None) -> str:
        """Note that the session is no longer signed in; the one-line reason to report."""
        if error and not is_login_reason(error):  # an anti-bot check, not a sign-out
            name = platform_name(platform, "en")
            message = f"{name} showed the signed-in browser {error.split(' (')[0]}; try later"
        else:
            message = signed_out_message(platform)
        when = datetime.now(UTC).isoformat(timespec="seconds")
        self.failed[platform] = (message, when)
        await asyncio.to_thread(record_session, platform, "signed_out_at", error or message)
        return message

    async def worked(self, platform: str) -> None:
        """Note that a check through the profile read a price."""
        await asyncio.to_thread(record_session, platform, "working_at")
