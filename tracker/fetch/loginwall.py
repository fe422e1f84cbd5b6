"""Where shops send a visitor they will not serve: login pages and anti-bot checks.

A platform that wants a signed-in visitor answers a product URL with a redirect to its
login host (JD to passport.jd.com, Taobao and Tmall to login.taobao.com). Following that
redirect would fetch a login form and, at best, waste a request; at worst an extractor
would read a price off it. So the fetcher asks `wall_reason` about every redirect target
first and reports "blocked" instead of following it.

Known hosts are listed; other shops are recognised by the last two path segments of the
target (`/login`, `/signin`, `/ap/signin`, `/login.html`...), which is how ordinary web
shops name their login pages, and anti-bot checks by a path segment naming one
(`captcha`, `punish`, JD's `risk_handler`).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["wall_reason"]

LOGIN_HOSTS = frozenset(
    {
        "passport.jd.com",
        "passport.jd.hk",
        "plogin.m.jd.com",
        "login.taobao.com",
        "login.m.taobao.com",
        "login.tmall.com",
        "login.tmall.hk",
        "passport.tmall.com",
        "sso.douyin.com",
        "login.douyin.com",
    }
)
CHALLENGE_HOSTS = frozenset({"sec.taobao.com", "sec.m.taobao.com"})

_LOGIN_SEGMENT = re.compile(r"^(log-?in|sign-?in|signon|passport|auth|sso)(\.[a-z]+)?$", re.I)
_CHALLENGE_SEGMENT = re.compile(r"captcha|punish|risk_handler|verify\.htm", re.IGNORECASE)


def wall_reason(url: str) -> str | None:
    """Why `url` is a login or anti-bot page rather than a product page, else None."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    segments = [s for s in parts.path.split("/") if s]
    if host in LOGIN_HOSTS or any(_LOGIN_SEGMENT.match(s) for s in segments[-2:]):
        return f"login required (redirected to {host}{parts.path})"
    if host in CHALLENGE_HOSTS or any(_CHALLENGE_SEGMENT.search(s) for s in segments):
        return f"anti-bot check (redirected to {host}{parts.path})"
    return None
