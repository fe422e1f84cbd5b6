"""What a Fetcher may do, as one frozen value built from the user's settings.

Defaults are those of a careful visitor: a few requests at a time, two seconds between
request starts to one shop, robots.txt obeyed, a User-Agent that says who is asking.
`tracker.fetch.fetcher` explains how each field is used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tracker.fetch.cookies import CookieStore

__all__ = ["PRODUCT_TOKEN", "FetchPolicy", "default_user_agent"]

# The name robots.txt groups are matched against, and the start of the User-Agent.
PRODUCT_TOKEN = "daoshou"


def default_user_agent() -> str:
    """A real User-Agent that names daoshou, its version and what it does."""
    try:
        release = version("daoshou")
    except PackageNotFoundError:
        release = "dev"
    return f"{PRODUCT_TOKEN}/{release} (personal price tracker; polite, robots.txt-aware)"


@dataclass(frozen=True)
class FetchPolicy:
    """How a Fetcher behaves; built from the user's settings. Times are in seconds."""

    user_agent: str = field(default_factory=default_user_agent)
    max_concurrency: int = 8
    per_host_concurrency: int = 2
    per_host_delay: float = 2.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_body_bytes: int = 8 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0
    respect_robots: bool = True
    robots_ignored_hosts: frozenset[str] = frozenset()
    robots_ttl: float = 24 * 3600.0
    robots_cache_file: Path | None = None  # e.g. locations.robots_cache_file()
    max_crawl_delay: float = 60.0
    accept_language: str = "zh-CN,zh;q=0.9,en;q=0.8"
    cookies: CookieStore | None = None

    def __post_init__(self) -> None:
        hosts = frozenset(h.strip().lower().rstrip(".") for h in self.robots_ignored_hosts)
        object.__setattr__(self, "robots_ignored_hosts", hosts)
        if min(self.max_concurrency, self.per_host_concurrency, self.max_body_bytes) < 1:
            raise ValueError("concurrency limits and max_body_bytes must be at least 1")
        timings = (self.per_host_delay, self.backoff_base, self.backoff_cap, self.retry_after_cap)
        if min(*timings, self.retries, self.max_redirects) < 0:
            raise ValueError("delays, retries and max_redirects must not be negative")
        if min(self.connect_timeout, self.read_timeout, self.total_timeout) <= 0:
            raise ValueError("timeouts must be positive")

    def robots_apply_to(self, host: str) -> bool:
        """Whether robots.txt is obeyed for `host` (on by default; off per host or globally)."""
        if not self.respect_robots:
            return False
        name = host.lower().rstrip(".")
        return not any(name == h or name.endswith("." + h) for h in self.robots_ignored_hosts)
