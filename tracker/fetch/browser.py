"""Browser mode: render a page in the user's own Chrome/Chromium when the price needs JS.

Some shops (the Tmall PC detail page among them) send a skeleton and write the price with
JavaScript; an HTTP fetch of those pages honestly has no price. For listings marked
`use_browser`, this module drives the Chromium the user already has through Playwright
(the optional `browser` extra, imported only here and only when used). It never downloads
a browser: the executable comes from the caller (a setting), else from PATH or the usual
install locations, else a clear FetchError.

The same rules as the HTTP fetcher apply: robots.txt and the per-host gate (through an
inner `Fetcher`), the user's cookies only for their own hosts, no navigation into login
or anti-bot pages (such navigations are aborted and reported as "blocked"), and a size
cap on the rendered HTML. The result is the same `FetchResult`, its body the rendered
DOM as UTF-8.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin

from tracker.errors import FetchError
from tracker.fetch.cookies import parse_cookie_header
from tracker.fetch.fetcher import Fetcher, FetchPolicy, checked_url, host_key
from tracker.fetch.loginwall import wall_reason
from tracker.fetch.result import FetchOutcome, FetchResult

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Playwright, Route

__all__ = ["BrowserFetcher", "find_browser", "launch"]

LAUNCH_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
KNOWN_LOCATIONS = (
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)


def find_browser(executable: str | None = None) -> str:
    """The Chrome/Chromium to drive: `executable` if given, else one on PATH or installed."""
    if executable:
        found = shutil.which(executable) or (executable if Path(executable).is_file() else None)
        if not found:
            raise FetchError(
                f"browser executable {executable!r} not found",
                "give the full path of Chrome or Chromium in the browser setting",
                zh=(
                    f"找不到浏览器程序 {executable!r}",
                    "在浏览器设置中给出 Chrome 或 Chromium 的完整路径",
                ),
            )
        return found
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for location in KNOWN_LOCATIONS:
        if Path(location).is_file():
            return location
    raise FetchError(
        "browser mode needs Chrome or Chromium, and none was found",
        "install Chromium (e.g. `apt install chromium`) or set the browser path",
        zh=(
            "浏览器模式需要 Chrome 或 Chromium，但没有找到",
            "安装 Chromium（例如 apt install chromium），或设置浏览器路径",
        ),
    )


async def launch(
    playwright: Playwright, profile: Path, executable: str, *, headless: bool, **options: Any
) -> BrowserContext:
    """Start Chrome/Chromium on the `profile` directory; a FetchError if it will not start.

    A profile is used by one browser at a time, so a second daoshou (or the sign-in window
    still open) makes this fail with Chromium's own one-line reason.
    """
    try:
        return await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=executable,
            headless=headless,
            args=list(LAUNCH_FLAGS),
            locale="zh-CN",
            **options,
        )
    except Exception as exc:
        raise FetchError(
            f"could not start {executable}: {str(exc).splitlines()[0]}",
            "check that this Chrome/Chromium runs here and no other window uses its profile",
            zh=(
                f"无法启动 {executable}：{str(exc).splitlines()[0]}",
                "确认这个 Chrome/Chromium 能在本机运行，且没有其他窗口占用它的配置目录",
            ),
        ) from None


class BrowserFetcher:
    """Fetches pages by rendering them in headless Chromium; use as an async context manager.

    Pass the running HTTP `fetcher` to share its politeness gate and robots.txt cache
    (its policy is then used); otherwise the browser keeps its own. With `profile`, the
    browser runs on that persistent profile (the user's signed-in session for a platform,
    `tracker.fetch.sessions`) instead of a fresh temporary one, and the cookie file is not
    used: the profile's own cookies are the session.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        executable: str | None = None,
        settle_ms: int = 1500,
        fetcher: Fetcher | None = None,
        profile: Path | None = None,
    ) -> None:
        self.policy = fetcher.policy if fetcher else (policy or FetchPolicy())
        self._executable = executable
        self._settle_ms = settle_ms
        # Sharing the HTTP fetcher shares its per-host gate and robots cache, so a shop
        # sees one visitor whether a page is fetched or rendered.
        self._owns_http = fetcher is None
        self._http = fetcher or Fetcher(self.policy)
        self._profile_dir = profile
        self._profile: tempfile.TemporaryDirectory[str] | None = None
        self._playwright: Playwright | None = None
        self._context: BrowserContext | None = None

    async def __aenter__(self) -> Self:
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            raise FetchError(
                "browser mode needs the optional Playwright package",
                "install it with: pip install 'daoshou[browser]' (no browser is downloaded)",
                zh=(
                    "浏览器模式需要可选的 Playwright 包",
                    "安装：pip install 'daoshou[browser]'（不会下载浏览器）",
                ),
            ) from None
        executable = find_browser(self._executable)
        if self._owns_http:
            await self._http.__aenter__()
        if self._profile_dir is None:
            self._profile = tempfile.TemporaryDirectory(prefix="daoshou-browser-")
        profile = self._profile_dir or Path(self._profile.name)  # type: ignore[union-attr]
        self._playwright = await async_playwright().start()
        try:
            self._context = await launch(
                self._playwright,
                profile,
                executable,
                headless=True,
                user_agent=self.policy.user_agent,
                extra_http_headers={"Accept-Language": self.policy.accept_language},
            )
        except FetchError:
            await self.__aexit__(None, None, None)
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._context is not None:
            await self._context.close()
            self._context = None
        if self._playwright is not None:
            await self._playwright.stop()
            self._playwright = None
        if self._profile is not None:
            self._profile.cleanup()
            self._profile = None
        if self._owns_http:
            await self._http.__aexit__(exc_type, exc, tb)

    async def fetch(self, url: str, *, platform: str | None = None) -> FetchResult:
        """Render `url` and return its DOM, or why there is none (same outcomes as Fetcher)."""
        if self._context is None:
            raise RuntimeError("use `async with BrowserFetcher(...) as browser:` before fetching")
        target = checked_url(url)
        started = time.perf_counter()

        def result(outcome: FetchOutcome, final_url: str, **values: Any) -> FetchResult:
            elapsed = int((time.perf_counter() - started) * 1000)
            return FetchResult(url, final_url, outcome, elapsed_ms=elapsed, attempts=1, **values)

        refusal = await self._http.robots_refusal(target)
        if refusal:
            outcome, error = refusal
            return result(outcome, url, error=error)
        if self._profile_dir is None:
            await self._add_cookies(str(target), platform)
        async with self._http.gate.slot(host_key(target)):
            page = await self._context.new_page()
            try:
                return await self._render(page, str(target), result)
            finally:
                await page.close()

    async def _render(
        self, page: Page, url: str, result: Callable[..., FetchResult]
    ) -> FetchResult:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        walls: list[tuple[str, str]] = []

        async def guard(route: Route) -> None:
            """Fetch page navigations hop by hop, so a redirect to a login page is seen."""
            if not route.request.is_navigation_request():
                await route.continue_()
                return
            reason = wall_reason(route.request.url) if route.request.url != url else None
            if reason:  # a script sends the page to a login or anti-bot page
                walls.append((route.request.url, reason))
                await route.abort("blockedbyclient")
                return
            response = await route.fetch(max_redirects=0)
            location = response.headers.get("location")
            target = urljoin(route.request.url, location) if location else route.request.url
            reason = wall_reason(target) if 300 <= response.status < 400 else None
            if reason:
                walls.append((target, reason))
                await route.abort("blockedbyclient")
                return
            await route.fulfill(response=response)

        await page.route("**/*", guard)
        timeout_ms = self.policy.total_timeout * 1000
        try:
            response = await page.goto(url, wait_until="load", timeout=timeout_ms)
            # Pages that poll forever are read as they are once the settle time is over.
            with contextlib.suppress(PlaywrightTimeout):
                await page.wait_for_load_state("networkidle", timeout=self._settle_ms)
            html = await page.content()
        except PlaywrightError as exc:
            if walls:
                return result(FetchOutcome.BLOCKED, walls[0][0], error=walls[0][1])
            message = str(exc).splitlines()[0]
            return result(FetchOutcome.NETWORK_ERROR, url, error=f"browser: {message}")
        if walls:  # a script navigated to a login page after the product page loaded
            return result(FetchOutcome.BLOCKED, walls[0][0], error=walls[0][1])
        landed = wall_reason(page.url)
        if landed:
            return result(FetchOutcome.BLOCKED, page.url, error=landed)
        status = response.status if response is not None else None
        body = html.encode("utf-8")
        values: dict[str, Any] = {"status": status}
        if status is not None and status >= 400:
            return result(FetchOutcome.HTTP_ERROR, page.url, error=f"HTTP {status}", **values)
        if len(body) > self.policy.max_body_bytes:
            error = f"rendered page larger than the {self.policy.max_body_bytes} byte cap"
            return result(FetchOutcome.TOO_LARGE, page.url, error=error, **values)
        headers = {"content-type": "text/html; charset=utf-8"}
        return result(FetchOutcome.OK, page.url, body=body, headers=headers, **values)

    async def _add_cookies(self, url: str, platform: str | None) -> None:
        """Give the browser the user's cookies for this URL's host only."""
        store = self.policy.cookies
        header = store.header_for(url, platform) if store else None
        if not header or self._context is None:
            return
        pairs = parse_cookie_header(header)
        cookies: list[Any] = [{"name": n, "value": v, "url": url} for n, v in pairs]
        await self._context.add_cookies(cookies)
