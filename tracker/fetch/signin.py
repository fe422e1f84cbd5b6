"""The sign-in window: the user's own Chrome/Chromium, visible, on daoshou's profile.

`daoshou browser login jd` calls `sign_in("jd")`: it opens a normal window on the JD
profile (`tracker.locations.browser_profile_dir`) at JD's sign-in page and waits until
the user closes it. What the user does there (QR code, password, SMS) is between them
and JD; daoshou types nothing, reads nothing and keeps no password. The session cookies
JD sets stay in the profile, where later headless checks of JD listings find them.

The window runs with the browser's own User-Agent (it is the user browsing) and the same
launch flags as checks. A profile is held by one browser at a time: close the window
before the next check of that platform.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import locations
from tracker.errors import FetchError
from tracker.fetch.browser import find_browser, launch
from tracker.fetch.sessions import record_session
from tracker.platforms import SIGN_IN_URLS

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = ["SignInWindow", "sign_in", "sign_in_url"]


class SignInWindow:
    """A browser on one platform's profile, opened at a sign-in URL.

    `sign_in` shows it and waits for the user to close it; tests open it headless, visit
    the fake platform's sign-in page and close it themselves.
    """

    def __init__(self, profile: Path, executable: str | None = None, *, headless: bool) -> None:
        self._profile = profile
        self._executable = executable
        self._headless = headless
        self._playwright: Any = None
        self._context: Any = None
        self._closed = asyncio.Event()

    async def open(self, url: str) -> None:
        """Start the browser on the profile and show `url` in its first tab."""
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            raise FetchError(
                "signing in needs the optional Playwright package",
                "install it with: pip install 'daoshou[browser]' (no browser is downloaded)",
                zh=(
                    "登录需要可选的 Playwright 包",
                    "安装：pip install 'daoshou[browser]'（不会下载浏览器）",
                ),
            ) from None
        executable = find_browser(self._executable)
        self._playwright = await async_playwright().start()
        try:
            self._context = await launch(
                self._playwright, self._profile, executable, headless=self._headless
            )
        except FetchError:
            await self.close()
            raise
        # Closing the last window ends Chromium on Linux and Windows (the context closes);
        # on macOS the browser stays running, so the last tab closing counts as well.
        context = self._context
        context.on("close", lambda _context: self._closed.set())

        def watch(tab: Page) -> None:
            tab.on("close", lambda _tab: None if context.pages else self._closed.set())

        context.on("page", watch)
        for tab in context.pages:
            watch(tab)
        page = context.pages[0] if context.pages else await context.new_page()
        try:
            await page.goto(url, wait_until="load")
        except Exception as exc:  # an unreachable sign-in page still leaves the window open
            message = str(exc).splitlines()[0]
            raise FetchError(
                f"could not open {url}: {message}",
                "check the connection",
                zh=(f"无法打开 {url}：{message}", "检查网络连接"),
            ) from None

    async def wait_closed(self) -> None:
        """Wait until the user closes the window (the browser then closes the profile)."""
        await self._closed.wait()
        await self.close()

    async def close(self) -> None:
        """Close the browser (if still open) and stop Playwright; safe to call twice."""
        if self._context is not None and not self._closed.is_set():
            await self._context.close()
        self._context = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None


async def sign_in(platform: str, executable: str | None = None) -> Path:
    """Open the visible sign-in window for `platform` and wait until the user closes it.

    Returns the profile directory. Raises FetchError for an unknown platform, a missing
    browser or Playwright, or a profile another browser holds.
    """
    url = sign_in_url(platform)
    profile = locations.browser_profile_dir(platform)
    window = SignInWindow(profile, executable, headless=False)
    try:
        await window.open(url)
        record_session(platform, "signed_in_at", f"sign-in window opened at {url}")
        await window.wait_closed()
    finally:
        await window.close()
    return profile


def sign_in_url(platform: str) -> str:
    """The platform's sign-in page; FetchError naming the known platforms otherwise."""
    url = SIGN_IN_URLS.get(platform)
    if url is None:
        known = ", ".join(SIGN_IN_URLS)
        raise FetchError(
            f"no sign-in page known for {platform!r}",
            f"use one of: {known}",
            zh=(f"不知道 {platform!r} 的登录页", f"可用：{known}"),
        )
    return url
