"""The fixture shop's fake platform: prices only for a signed-in session, written by JS.

It behaves like JD or Tmall seen from a browser, so the signed-in browser path can be
tested on loopback:

    GET /platform/signin          the sign-in page: sets a session cookie (a real platform
                                  would first ask for a QR scan or a password)
    GET /platform/item/<slug>     no session cookie: 302 to the sign-in page; otherwise a
                                  skeleton whose script asks the price service and writes
                                  the price (and its JSON-LD), or, when the service says
                                  the session is unknown, navigates to the sign-in page
    GET /platform/price/<slug>    the price service: JSON for a live session, else 401
    POST /_admin/platform/expire  forget every session: the cookies the browser holds
                                  stay, but the platform no longer honours them

The products are the shop's catalogue (`/_admin/product/<slug>` sets them).
"""

from __future__ import annotations

import html
import json
import secrets
from http.cookies import CookieError, SimpleCookie
from string import Template
from typing import TYPE_CHECKING
from urllib.parse import quote

from planner.shipped import shipped_file

if TYPE_CHECKING:
    from tracker.shop.handler import ShopHandler

__all__ = ["SESSION_COOKIE", "answer_platform"]

SESSION_COOKIE = "daoshou_fake_session"
SIGN_IN = "/platform/signin"


def answer_platform(handler: ShopHandler, path: str) -> int:
    """Answer a `/platform/...` request; the status sent."""
    route, _, slug = path.removeprefix("/platform/").partition("/")
    if route == "signin":
        return _sign_in(handler)
    state = handler.state
    with state.lock:
        product = state.products.get(slug)
        offer = None if product is None else product.as_json()
    if route not in ("item", "price") or offer is None:
        return handler._send(404, b"no such page\n", "text/plain")
    token = _session(handler)
    if route == "price":
        if token is None or token not in state.sessions:
            return handler._send(401, b'{"error": "login"}', "application/json")
        offer["symbol"] = "¥" if offer["currency"] == "CNY" else offer["currency"] + " "
        return handler._send(200, json.dumps(offer).encode(), "application/json")
    if token is None:
        back = quote(f"http://{handler.headers.get('Host', '')}{handler.path}", safe="")
        return handler._send(302, b"", "text/plain", {"Location": f"{SIGN_IN}?return={back}"})
    page = Template(shipped_file("shop/platform-item.html").read_text("utf-8")).substitute(
        title=html.escape(str(offer["title"])), slug=quote(slug)
    )
    headers = {"Cache-Control": "no-store"}
    return handler._send(200, page.encode(), "text/html; charset=utf-8", headers)


def _sign_in(handler: ShopHandler) -> int:
    token = secrets.token_hex(16)
    with handler.state.lock:
        handler.state.sessions.add(token)
    cookie = f"{SESSION_COOKIE}={token}; Path=/; Max-Age=86400; HttpOnly; SameSite=Lax"
    page = "<html><body><p>已登录 Signed in</p></body></html>".encode()
    return handler._send(200, page, "text/html; charset=utf-8", {"Set-Cookie": cookie})


def _session(handler: ShopHandler) -> str | None:
    """The session token the request carries, if any."""
    try:
        jar = SimpleCookie(handler.headers.get("Cookie", ""))
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None
