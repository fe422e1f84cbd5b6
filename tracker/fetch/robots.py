"""robots.txt, read the way RFC 9309 says, and remembered per origin.

The standard library's `urllib.robotparser` predates RFC 9309: it matches plain prefixes
only, so the `*` and `$` patterns that shops actually use (`Disallow: /*?*`,
`Disallow: /*.json$`) are silently ignored and an URL the shop forbids looks allowed. This
module implements the RFC: groups of user-agent lines, the group for our product token or
else `*`, the longest matching rule wins and `Allow` wins a tie, `*` and `$` in patterns,
and percent-encoding normalised on both sides. `Crawl-delay` is not in the RFC but widely
used, so it is read too and slows daoshou down for that host.

Fetching belongs to the fetcher (it goes through the same politeness gate as every other
request); this module parses and caches.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

__all__ = ["RobotsCache", "RobotsRules", "parse_robots"]

# RFC 9309 asks crawlers to read at least 500 KiB; anything after that is ignored.
MAX_ROBOTS_BYTES = 500 * 1024

_TOKEN = re.compile(r"[A-Za-z_-]+")
_SAFE = "/?=&;:@!,'()+*$~-._%"


@dataclass(frozen=True)
class RobotsRules:
    """The rules of one origin's robots.txt that apply to daoshou."""

    rules: tuple[tuple[bool, str], ...] = ()  # (allowed, normalised pattern)
    crawl_delay: float | None = None
    reason: str | None = None  # why everything is disallowed without a file saying so
    # The host itself could not be reached (not a robots.txt answer): a fetch of any page
    # there would fail the same way, so the fetcher reports a network error, not robots.
    unreachable: bool = False

    def allows(self, path: str) -> bool:
        """Whether daoshou may fetch `path` (path and query of the URL)."""
        target = _normalise(path or "/")
        if target == "/robots.txt":
            return True
        best_length, allowed = -1, True
        for rule_allows, pattern in self.rules:
            if len(pattern) < best_length or not _matches(pattern, target):
                continue
            if len(pattern) > best_length or rule_allows:
                best_length, allowed = len(pattern), rule_allows
        return allowed


ALLOW_ALL = RobotsRules()


def disallow_all(reason: str, *, unreachable: bool = False) -> RobotsRules:
    """Rules for an origin whose robots.txt is unavailable: RFC 9309 says assume no access.

    `unreachable` marks a host that did not answer at all (refused, unknown, timed out).
    """
    return RobotsRules(rules=((False, "/"),), reason=reason, unreachable=unreachable)


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[tuple[bool, str]] = field(default_factory=list)
    crawl_delay: float | None = None


def parse_robots(text: str, product_token: str) -> RobotsRules:
    """The rules in `text` for the crawler named `product_token` (e.g. "daoshou")."""
    groups = _groups(text[:MAX_ROBOTS_BYTES])
    token = product_token.lower()
    chosen = [g for g in groups if token in g.agents] or [g for g in groups if "*" in g.agents]
    rules = tuple(rule for g in chosen for rule in g.rules)
    delays = [g.crawl_delay for g in chosen if g.crawl_delay is not None]
    return RobotsRules(rules=rules, crawl_delay=max(delays) if delays else None)


def _groups(text: str) -> list[_Group]:
    groups: list[_Group] = []
    current: _Group | None = None
    in_agent_lines = False
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if current is None or not in_agent_lines:
                current = _Group()
                groups.append(current)
            current.agents.append(_agent_token(value))
            in_agent_lines = True
            continue
        in_agent_lines = False
        if current is None:
            continue
        if key in ("allow", "disallow") and value:
            current.rules.append((key == "allow", _normalise(value)))
        elif key == "crawl-delay":
            current.crawl_delay = _seconds(value)
    return groups


def _agent_token(value: str) -> str:
    if value.startswith("*"):
        return "*"
    match = _TOKEN.match(value)
    return match[0].lower() if match else ""


def _seconds(value: str) -> float | None:
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _normalise(path: str) -> str:
    """One spelling for a path: non-ASCII and unsafe octets percent-encoded, upper-case hex."""
    return quote(unquote(path), safe=_SAFE)


def _matches(pattern: str, path: str) -> bool:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(piece) for piece in body.split("*"))
    return re.match(regex + ("$" if anchored else ""), path) is not None


class RobotsCache:
    """robots.txt rules per origin, fetched once and kept for `ttl` seconds.

    Concurrent requests to a new origin wait for one fetch instead of each fetching
    robots.txt. Rules born of an unreachable robots.txt are kept only briefly, so a
    short outage does not lock a shop out for a day. With a `path`, good rules are also
    kept on disk, so one-off `daoshou check` runs do not ask every shop again each time.
    """

    def __init__(self, ttl: float, error_ttl: float = 300.0, path: Path | None = None) -> None:
        self._ttl = ttl
        self._error_ttl = error_ttl
        self._path = path
        self._entries: dict[str, tuple[float, RobotsRules]] | None = None
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(
        self, origin: str, load: Callable[[str], Awaitable[RobotsRules]]
    ) -> RobotsRules:
        """The cached rules of `origin`, calling `load(origin)` when absent or expired."""
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            entries = self._loaded()
            entry = entries.get(origin)
            if entry is not None and entry[0] > time.time():
                return entry[1]
            rules = await load(origin)
            ttl = self._error_ttl if rules.reason else self._ttl
            entries[origin] = (time.time() + ttl, rules)
            if not rules.reason:
                self._save(entries)
            return rules

    def fresh(self, origin: str) -> bool:
        """Whether `origin`'s rules are cached and unexpired (`rules_for` asks no one)."""
        entry = self._loaded().get(origin)
        return entry is not None and entry[0] > time.time()

    def _loaded(self) -> dict[str, tuple[float, RobotsRules]]:
        if self._entries is None:
            self._entries = _read_cache(self._path) if self._path else {}
        return self._entries

    def _save(self, entries: dict[str, tuple[float, RobotsRules]]) -> None:
        if self._path is None:
            return
        now = time.time()
        origins = {
            origin: {"expires": expires, "rules": rules.rules, "crawl_delay": rules.crawl_delay}
            for origin, (expires, rules) in entries.items()
            if expires > now and not rules.reason
        }
        tmp = self._path.with_name(f"{self._path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps({"version": 1, "origins": origins}), encoding="utf-8")
            os.replace(tmp, self._path)


def _read_cache(path: Path) -> dict[str, tuple[float, RobotsRules]]:
    """Entries of a robots cache file; an unreadable file is an empty cache."""
    try:
        origins = json.loads(path.read_text(encoding="utf-8"))["origins"]
        return {
            origin: (
                float(entry["expires"]),
                RobotsRules(
                    rules=tuple((bool(a), str(p)) for a, p in entry["rules"]),
                    crawl_delay=entry["crawl_delay"],
                ),
            )
            for origin, entry in origins.items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}
