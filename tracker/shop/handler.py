"""How the fixture shop answers one request: shop pages, injected faults, admin calls.

See `tracker.shop.server` for the routes and fault kinds. Every shop request is logged
with its arrival time and the number of requests then in progress on its port, which is
what politeness tests and the fetch benchmark measure; admin calls are not logged.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import time
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from tracker.shop.pages import RenderedPage, ShopProduct, render_product
from tracker.shop.platform import answer_platform

if TYPE_CHECKING:
    from tracker.shop.server import ShopHTTPServer, ShopState

__all__ = ["ShopHandler"]

JD_LOGIN = "https://passport.jd.com/new/login.aspx?ReturnUrl="
_CHUNK = 64 * 1024


class ShopHandler(BaseHTTPRequestHandler):
    """One connection of the fixture shop (HTTP/1.1, keep-alive)."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out as separate writes; with Nagle on, each keep-alive response
    # would wait for the client's delayed ACK (~40 ms).
    disable_nagle_algorithm = True
    server: ShopHTTPServer
    _logged: tuple[int, dict[str, Any]] | None = None  # the shop request being answered

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the request log endpoint is the record."""

    @property
    def state(self) -> ShopState:
        return self.server.state

    # -- entry points -------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/_admin/"):
            self._admin("GET", path)
            return
        port = self.server.server_address[1]
        entry = self.state.begin(port, "GET", self.path, self.headers)
        self._logged = (port, entry)
        status: int | None = None
        try:
            status = self._shop(unquote(path))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            self._logged = None
            self.state.end(port, entry, status)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if not path.startswith("/_admin/"):
            self._send(405, b"shop pages are GET only\n", "text/plain")
            return
        self._admin("POST", path)

    # -- the shop -----------------------------------------------------------------------

    def _shop(self, path: str) -> int | None:
        """Answer a shop request; the status sent, or None when none was."""
        if path == "/robots.txt":
            fault = self.state.take_fault("robots.txt")
            if fault:
                return self._fault(fault, None)
            return self._send(200, self.state.robots.encode("utf-8"), "text/plain; charset=utf-8")
        if path.startswith("/redirect/"):
            return self._redirect(path)
        if path.startswith("/product/"):
            return self._product(path.removeprefix("/product/"))
        if path.startswith("/platform/"):
            return answer_platform(self, path)
        if path.startswith("/pages/"):
            return self._static(path.removeprefix("/pages/"))
        if path == "/login":
            page = "<html><body><form>登录 Sign in</form></body></html>".encode()
            return self._send(200, page, "text/html; charset=utf-8")
        return self._send(404, b"not found\n", "text/plain")

    def _redirect(self, path: str) -> int:
        parts = path.split("/")
        if len(parts) != 4 or not parts[2].isdigit():
            return self._send(404, b"use /redirect/<n>/<slug>\n", "text/plain")
        hops, slug = int(parts[2]), parts[3]
        target = f"/redirect/{hops - 1}/{slug}" if hops > 1 else f"/product/{slug}"
        return self._send(302, b"", "text/plain", {"Location": target})

    def _product(self, slug: str) -> int | None:
        fault = self.state.take_fault(slug)
        with self.state.lock:
            product = self.state.products.get(slug)
            snapshot = None if product is None else ShopProduct(**product.as_json())
        if fault and fault["kind"] not in ("slow", "gbk"):
            return self._fault(fault, slug)
        if snapshot is None:
            return self._send(404, f"no product {slug}\n".encode(), "text/plain")
        charset, declare = "utf-8", "both"
        if fault and fault["kind"] == "gbk":
            charset, declare = "gbk", str(fault.get("declare", "both"))
        return self._page(render_product(snapshot, charset, declare), _drip(fault))

    def _static(self, name: str) -> int | None:
        root = self.state.pages
        file = (root / name).resolve() if root else None
        if root is None or file is None or not file.is_file() or root not in file.parents:
            return self._send(404, b"no such page\n", "text/plain")
        fault = self.state.take_fault(name)
        body = file.read_bytes()
        if fault and fault["kind"] == "encoded":
            encoding = {"Content-Encoding": str(fault.get("encoding", "gzip"))}
            return self._send(200, body, "text/html; charset=utf-8", encoding)
        if fault and fault["kind"] not in ("slow",):
            return self._fault(fault, name)
        digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20]
        modified = formatdate(int(file.stat().st_mtime), usegmt=True)
        page = RenderedPage(body, "text/html", f'"{digest}"', modified)
        return self._page(page, _drip(fault))

    def _page(self, page: RenderedPage, drip_seconds: float) -> int:
        validators = {"ETag": page.etag, "Last-Modified": page.last_modified}
        if self._not_modified(page):
            return self._send(304, b"", None, validators)
        if drip_seconds <= 0:
            return self._send(200, page.body, page.content_type, validators)
        self._head(200, page.content_type, {**validators, "Content-Length": str(len(page.body))})
        pieces = 10
        step = max(1, len(page.body) // pieces + 1)
        for start in range(0, len(page.body), step):
            if self.state.stopping.wait(drip_seconds / pieces):
                break
            if start + step >= len(page.body):
                self._answering()
            self.wfile.write(page.body[start : start + step])
            self.wfile.flush()
        return 200

    def _not_modified(self, page: RenderedPage) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:
            tags = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return "*" in tags or page.etag in tags
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return parsedate_to_datetime(page.last_modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    # -- faults -------------------------------------------------------------------------

    def _fault(self, fault: dict[str, Any], slug: str | None) -> int | None:
        kind = fault["kind"]
        if kind in ("429", "503", "status"):
            status = int(fault.get("status", 503)) if kind == "status" else int(kind)
            extra = {"Retry-After": str(fault["retry_after"])} if "retry_after" in fault else {}
            return self._send(status, f"fault {kind}\n".encode(), "text/plain", extra)
        if kind == "login_redirect":
            back = quote(f"http://{self.headers.get('Host', '')}{self.path}", safe="")
            location = str(fault.get("location", JD_LOGIN + back))
            return self._send(302, b"", "text/plain", {"Location": location})
        if kind == "huge":
            return self._huge(int(fault.get("bytes", 16 * 1024 * 1024)), bool(fault.get("chunked")))
        if kind == "timeout":
            self.state.stopping.wait(float(fault.get("seconds", 30)))
        self._drop()
        return None

    def _huge(self, size: int, chunked: bool) -> int:
        headers = {"Connection": "close"} if chunked else {"Content-Length": str(size)}
        self._head(200, "text/html; charset=utf-8", headers)
        block = (b"<p>" + b"x" * 1017 + b"</p>\n") * (_CHUNK // 1024)
        sent = 0
        while sent < size:
            piece = block[: size - sent]
            if sent + len(piece) >= size:
                self._answering()
            self.wfile.write(piece)
            sent += len(piece)
        self.close_connection = chunked
        return 200

    def _drop(self) -> None:
        """Close the connection without an answer."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    # -- admin --------------------------------------------------------------------------

    def _admin(self, method: str, path: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            result = self._admin_action(method, path.removeprefix("/_admin/"), raw)
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, _dump({"error": str(exc)}), "application/json")
            return
        if result is None:
            self._send(404, _dump({"error": f"no admin route {method} {path}"}), "application/json")
        else:
            self._send(200, _dump(result), "application/json")

    def _admin_action(self, method: str, route: str, raw: bytes) -> Any:
        state = self.state
        if method == "GET" and route == "health":
            return {"ok": True, "time": time.monotonic()}
        if method == "GET" and route == "log":
            with state.lock:
                return [dict(entry) for entry in state.log]
        if method != "POST":
            return None
        if route == "log/clear":
            with state.lock:
                state.log.clear()
            return {"ok": True}
        if route == "reset":
            state.reset()
            return {"ok": True}
        if route == "platform/expire":
            with state.lock:
                state.sessions.clear()
            return {"ok": True}
        if route == "robots":
            state.robots = raw.decode("utf-8")
            return {"ok": True}
        body = json.loads(raw or b"{}")
        if route.startswith("product/"):
            return self._set_product(route.removeprefix("product/"), body)
        if route.startswith("fault/"):
            state.add_fault(route.removeprefix("fault/"), body)
            return {"ok": True}
        return None

    def _set_product(self, slug: str, changes: dict[str, Any]) -> dict[str, Any]:
        with self.state.lock:
            product = self.state.products.get(slug)
            if product is None:
                title = str(changes.get("title", f"测试商品 {slug}"))
                product = ShopProduct(slug=slug, title=title, price="99.00", version=0)
            product.update(changes)
            self.state.products[slug] = product
            return product.as_json()

    # -- plumbing -----------------------------------------------------------------------

    def _head(self, status: int, content_type: str | None, headers: dict[str, str]) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        headers: dict[str, str] | None = None,
    ) -> int:
        extra = dict(headers or {})
        if status != 304:
            extra["Content-Length"] = str(len(body))
        if not body or status == 304:
            self._answering()  # the head is the whole answer
        self._head(status, content_type, extra)
        if body and status != 304:
            self._answering()
            self.wfile.write(body)
        return status

    def _answering(self) -> None:
        """Stamp a logged request's answer as sent, just before its last bytes go out."""
        if self._logged is not None:
            self.state.answering(*self._logged)


def _drip(fault: dict[str, Any] | None) -> float:
    """Seconds over which a "slow" fault spreads the body; 0 for no fault."""
    return float(fault.get("seconds", 1)) if fault and fault["kind"] == "slow" else 0.0


def _dump(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")
