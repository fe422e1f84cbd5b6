"""Route a platform's real address (item.jd.com, detail.tmall.com) to the fixture shop.

Which platform adapter reads a page is decided by the listing's URL, so a check of a saved
JD page must fetch `https://item.jd.com/3888216.html`, not a loopback address. This
transport is the Fetcher's test seam (`Fetcher(transport=...)`): every request still goes
over a real socket to the fixture shop process, to the saved page routed for that URL (or
the shop's own robots.txt), while the Fetcher, its URL validation and its politeness see
the platform's URL, exactly as in production. Nothing in `tracker/` learns about it.

    routes = LoopbackRoutes(shop.base_url(), {"https://item.jd.com/1.html": "cn/jd.html"})
    async with Fetcher(policy, transport=routes) as fetcher: ...
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

__all__ = ["LoopbackRoutes"]


class LoopbackRoutes(httpx.AsyncBaseTransport):
    """Sends each request to the fixture shop at `origin`: a routed URL to
    `/pages/<file>`, any host's robots.txt to the shop's, anything else to a 404 there."""

    def __init__(self, origin: str, pages: Mapping[str, str]) -> None:
        self._origin = httpx.URL(origin)
        self._pages = dict(pages)
        self._inner = httpx.AsyncHTTPTransport()
        self.seen: list[str] = []  # the platform URLs asked for, in order

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.seen.append(url)
        if request.url.path == "/robots.txt":
            path = "/robots.txt"
        else:
            path = "/pages/" + self._pages.get(url, "not-routed/" + request.url.host)
        routed = httpx.Request(
            request.method,
            self._origin.copy_with(raw_path=path.encode("ascii")),
            headers=request.headers,  # Host stays the platform's, as a real request's would
            stream=request.stream,
        )
        return await self._inner.handle_async_request(routed)

    async def aclose(self) -> None:
        await self._inner.aclose()
