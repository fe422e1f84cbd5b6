"""Cookies the user chose to give daoshou, per platform, kept like a password.

Some platforms show prices only to a signed-in visitor. daoshou never signs in and never
solves a captcha; a user who wants those prices can copy the `Cookie` header of their own
browser session into `daoshou cookies set jd "k=v; k2=v2"`. Those values are credentials:

- they live in one file under the config directory, written 0600 (owner only) through
  `locations.write_private`, and tightened back to 0600 if found wider;
- they are sent only to hosts of the platform they were given for (a JD cookie never
  reaches Taobao, and never follows a redirect to another site);
- they are never logged or printed: listings show cookie names with masked values.

A scope is a platform (`jd`, `tmall`, `taobao`, `pdd`, `douyin`) or, for any other shop,
a host name (`shop.example.com`, which also covers its subdomains).
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tracker import locations
from tracker.errors import CookieError
from tracker.platforms import PLATFORMS, detect_platform

__all__ = ["CookieStore", "MaskedCookies", "parse_cookie_header"]

_PLATFORM_SCOPES = tuple(p for p in PLATFORMS if p != "web")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*$")
_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_BAD_VALUE = re.compile(r"[\x00-\x1f\x7f;]")


@dataclass(frozen=True)
class MaskedCookies:
    """What a listing may show of one scope's cookies: the names, never the values."""

    scope: str
    names: tuple[str, ...]
    masked: str  # "name=***; name2=***"


def parse_cookie_header(text: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a `Cookie` header value; CookieError when malformed."""
    pairs: list[tuple[str, str]] = []
    for part in text.strip().split(";"):
        item = part.strip()
        if not item:
            continue
        name, sep, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not _NAME.match(name) or _BAD_VALUE.search(value):
            raise CookieError(
                f"not a cookie header: the part starting {name[:20]!r} is not name=value",
                'copy the whole Cookie header, e.g. "pt_key=...; pt_pin=..."',
                zh=(
                    f"不是 Cookie 头：以 {name[:20]!r} 开头的部分不是 name=value",
                    '复制完整的 Cookie 头，例如 "pt_key=...; pt_pin=..."',
                ),
            )
        if not value.isascii():
            # httpx sends headers as ASCII: a value like "张三" would fail every fetch
            raise CookieError(
                f"the value of cookie {name!r} has non-ASCII characters",
                "copy the Cookie header from the browser's network panel, where values "
                "are percent-encoded",
                zh=(
                    f"Cookie {name!r} 的值含有非 ASCII 字符",
                    "从浏览器网络面板复制 Cookie 头，那里的值已做百分号编码",
                ),
            )
        pairs.append((name, value))
    if not pairs:
        raise CookieError(
            "empty cookie header",
            'give cookies as "name=value; name2=value2"',
            zh=("Cookie 头为空", '按 "name=value; name2=value2" 的格式给出 Cookie'),
        )
    return pairs


def normalise_scope(scope: str) -> str:
    """A platform name or a lower-case host name; CookieError otherwise."""
    text = scope.strip().lower().rstrip(".")
    if text in _PLATFORM_SCOPES or ("." in text and _HOST.match(text)) or text == "localhost":
        return text
    raise CookieError(
        f"unknown cookie scope {scope!r}",
        f"use a platform ({', '.join(_PLATFORM_SCOPES)}) or a host name like shop.example.com",
        zh=(
            f"未知的 Cookie 范围 {scope!r}",
            f"用平台名（{', '.join(_PLATFORM_SCOPES)}）或主机名，如 shop.example.com",
        ),
    )


class CookieStore:
    """The user's cookies per scope, read from and written to one owner-only JSON file."""

    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self._cookies: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"CookieStore(scopes={sorted(self._load())!r})"

    @property
    def path(self) -> Path:
        """The cookies file (under the config directory unless given)."""
        return self._path or locations.cookies_file()

    def validate(self) -> None:
        """Read the file now, so a broken one is reported once, before any fetch."""
        self._load()

    def _load(self) -> dict[str, str]:
        if self._cookies is None:
            self._cookies = self._read()
        return self._cookies

    def _read(self) -> dict[str, str]:
        path = self.path
        if not path.exists():
            return {}
        if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
            os.chmod(path, 0o600)
        try:
            cookies = json.loads(path.read_text(encoding="utf-8"))["cookies"]
            entries = {normalise_scope(str(k)): str(v) for k, v in cookies.items()}
            for header in entries.values():
                parse_cookie_header(header)
        except (ValueError, KeyError, TypeError, AttributeError, CookieError) as exc:
            raise CookieError(
                f"cookie file {path} is unreadable ({type(exc).__name__})",
                "delete it and set your cookies again with `daoshou cookies set`",
                zh=(
                    f"无法读取 Cookie 文件 {path}（{type(exc).__name__}）",
                    "删除它，再用 daoshou cookies set 重新设置 Cookie",
                ),
            ) from None
        return entries

    def _save(self) -> None:
        body = json.dumps({"version": 1, "cookies": self._load()}, ensure_ascii=False, indent=1)
        locations.write_private(self.path, body + "\n")

    def set(self, scope: str, header: str) -> MaskedCookies:
        """Store the cookies of `header` for `scope`, replacing any it had."""
        key = normalise_scope(scope)
        pairs = parse_cookie_header(header)
        self._load()[key] = "; ".join(f"{name}={value}" for name, value in pairs)
        self._save()
        return _mask(key, self._load()[key])

    def remove(self, scope: str) -> bool:
        """Forget the cookies of `scope`; False when it had none."""
        key = normalise_scope(scope)
        if self._load().pop(key, None) is None:
            return False
        self._save()
        return True

    def listing(self) -> list[MaskedCookies]:
        """Every scope with its cookie names, values masked."""
        return [_mask(scope, header) for scope, header in sorted(self._load().items())]

    def header_for(self, url: str, platform: str | None = None) -> str | None:
        """The `Cookie` header to send to `url`, or None.

        A platform's cookies go only to hosts of that platform (and, when the caller names
        the listing's platform, only if the URL really is on it); a host scope's cookies go
        to that host and its subdomains.
        """
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
        if not host:
            return None
        on_platform = detect_platform(url)
        parts: list[str] = []
        if on_platform != "web" and platform in (None, on_platform):
            parts.extend(v for k, v in self._load().items() if k == on_platform)
        parts.extend(
            value
            for scope, value in sorted(self._load().items())
            if scope not in _PLATFORM_SCOPES and (host == scope or host.endswith("." + scope))
        )
        return "; ".join(parts) or None


def _mask(scope: str, header: str) -> MaskedCookies:
    names = tuple(name for name, _ in parse_cookie_header(header))
    return MaskedCookies(scope=scope, names=names, masked="; ".join(f"{n}=***" for n in names))
