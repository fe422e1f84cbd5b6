"""Fetching shop pages politely and reporting exactly what happened.

    async with Fetcher(FetchPolicy()) as fetcher:
        result = await fetcher.fetch(url, etag=..., last_modified=..., platform="jd")

Only a bad URL (not http/https) raises, before any I/O: that is the caller's mistake.
Everything the network or the shop does becomes a `FetchResult` whose `outcome` says
what happened, so a check can record it as a FetchAttempt and move on:

    ok            a page, with its body (capped) and its validators
    not_modified  304 to our If-None-Match / If-Modified-Since: the page is unchanged
    http_error    a 4xx/5xx after retries, too many redirects, or a shop asking us to
                  wait longer than the Retry-After cap
    network_error the connection failed or timed out after retries
    blocked       a redirect to a login or anti-bot page (never followed)
    robots        robots.txt disallows the URL (and robots is on for this host)
    too_large     the body grew past the size cap (reading stopped there)

Politeness (see `tracker.fetch.politeness`): global and per-host concurrency, a minimum delay
between request starts per host, exponential backoff with jitter on connection errors,
429 and 503, and Retry-After obeyed to the letter: if a shop asks for a longer pause than
`retry_after_cap`, the fetch gives up rather than retrying early. Redirects are followed
by hand so each hop is checked against robots.txt, the login walls and the hop limit, and
cookies are re-scoped to each hop's host.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from typing import Self, TypeVar
from urllib.parse import urljoin

import httpx

from tracker.errors import UnsupportedURLError
from tracker.fetch.failures import failure
from tracker.fetch.inflate import read_capped
from tracker.fetch.loginwall import wall_reason
from tracker.fetch.network_failures import (
    MAX_MISSED_TURNS,
    TurnsMissed,
    describe_network_error,
)
from tracker.fetch.policy import PRODUCT_TOKEN, FetchPolicy, default_user_agent
from tracker.fetch.politeness import HostGate, backoff_delay, parse_retry_after
from tracker.fetch.result import FetchOutcome, FetchResult
from tracker.fetch.robots import (
    ALLOW_ALL,
    MAX_ROBOTS_BYTES,
    RobotsCache,
    RobotsRules,
    disallow_all,
    parse_robots,
)
from tracker.fetch.turns import MissedTurn, Turn, Turns, deadline_trace
from tracker.platforms import fetchable_netloc

__all__ = [
    "FetchOutcome",
    "FetchPolicy",
    "FetchResult",
    "Fetcher",
    "checked_url",
    "default_user_agent",
    "host_key",
    "read_capped",
]

RETRY_STATUSES = frozenset({429, 503})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_REDIRECTS = 5  # RFC 9309: follow at least five; past them robots.txt is unavailable
_Read = TypeVar("_Read")


@dataclass(frozen=True)
class _Exchange:
    """One HTTP response as far as the fetcher read it."""

    status: int
    headers: dict[str, str]
    body: bytes = b""
    too_large: bool = False


@dataclass
class _Trace:
    """What one fetch did so far: for the result and for FetchAttempt rows."""

    url: str
    started: float = field(default_factory=time.perf_counter)
    attempts: int = 0
    redirects: list[str] = field(default_factory=list)

    def result(self, outcome: FetchOutcome, final_url: str, **values: object) -> FetchResult:
        elapsed = int((time.perf_counter() - self.started) * 1000)
        return FetchResult(
            url=self.url,
            final_url=final_url,
            outcome=outcome,
            elapsed_ms=elapsed,
            attempts=self.attempts,
            redirects=tuple(self.redirects),
            **values,  # type: ignore[arg-type]
        )


class _RejectAll(DefaultCookiePolicy):
    """Keep no cookie a shop sets: daoshou sends only the user's own, scoped cookies."""

    def set_ok(self, cookie: object, request: object) -> bool:
        return False


def checked_url(url: str) -> httpx.URL:
    """`url` as an httpx URL, or UnsupportedURLError if it is not one daoshou can fetch
    (the same rule `add` applies: `tracker.platforms.fetchable_netloc`)."""
    fetchable_netloc(url)
    text = url.strip()
    try:
        return httpx.URL(text)
    except (httpx.InvalidURL, UnicodeError) as exc:
        raise UnsupportedURLError(
            f"cannot fetch {text[:100]!r}: {exc}",
            "check the URL",
            zh=(f"无法抓取 {text[:100]!r}：{exc}", "检查地址"),
        ) from None


def host_key(url: httpx.URL) -> str:
    """The politeness key of a URL: its host and port (one shop = one origin)."""
    return f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"


class Fetcher:
    """Fetches pages under a FetchPolicy; use as an async context manager.

    `transport` is the test seam (an `httpx.MockTransport`); `rng` makes jitter repeatable.
    `turns`: where requests take their turns at hosts shared with other processes (see
    `tracker.fetch.turns`); without, this process's own gate is the only pacing.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
        turns: Turns | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._transport = transport
        self._rng = rng or random.Random()
        self.turns = turns
        self._client: httpx.AsyncClient | None = None
        self._robots = RobotsCache(self.policy.robots_ttl, path=self.policy.robots_cache_file)
        p = self.policy
        self.gate = HostGate(p.max_concurrency, p.per_host_concurrency, p.per_host_delay)

    async def __aenter__(self) -> Self:
        p = self.policy
        if p.cookies is not None:
            p.cookies.validate()
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,
            max_redirects=p.max_redirects,
            timeout=httpx.Timeout(p.read_timeout, connect=p.connect_timeout, pool=None),
            # The gate bounds requests in flight; a pool bound as well would only add a
            # second queue between taking a slot and sending, bunching requests to a host.
            limits=httpx.Limits(
                max_connections=None, max_keepalive_connections=2 * p.max_concurrency
            ),
            headers={
                "User-Agent": p.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8",
                "Accept-Language": p.accept_language,
            },
            cookies=CookieJar(policy=_RejectAll()),
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("use `async with Fetcher(...) as fetcher:` before fetching")
        return self._client

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        platform: str | None = None,
    ) -> FetchResult:
        """Fetch `url` once (with retries and redirects) and say what happened.

        `etag`/`last_modified` are the validators of the last good response: a 304 comes
        back as `not_modified`. `platform` scopes the user's cookies (see CookieStore).
        """
        current = checked_url(url)
        trace = _Trace(url=url)
        validators = {"If-None-Match": etag, "If-Modified-Since": last_modified}
        for _hop in range(self.policy.max_redirects + 1):
            refusal = await self.robots_refusal(current)
            if refusal:
                outcome, error = refusal
                return trace.result(outcome, str(current), error=error)
            headers = {k: v for k, v in validators.items() if v}
            store = self.policy.cookies
            cookie = store.header_for(str(current), platform) if store else None
            if cookie:
                headers["Cookie"] = cookie
            exchange = await self._exchange(current, headers, trace)
            if isinstance(exchange, FetchResult):
                return exchange
            if exchange.status not in REDIRECT_STATUSES or "location" not in exchange.headers:
                return self._finish(current, exchange, trace, etag, last_modified)
            location = exchange.headers["location"]
            try:
                target = urljoin(str(current), location)
                reason = wall_reason(target)
            except ValueError:
                error = failure("bad_location", location=repr(location))
                return trace.result(FetchOutcome.HTTP_ERROR, str(current), error=error)
            trace.redirects.append(target)
            if reason:
                return trace.result(
                    FetchOutcome.BLOCKED, target, status=exchange.status, error=reason
                )
            try:
                current = checked_url(target)
            except UnsupportedURLError:
                error = failure("not_http", target=repr(target))
                return trace.result(FetchOutcome.HTTP_ERROR, target, error=error)
        error = failure("redirects", count=self.policy.max_redirects)
        return trace.result(FetchOutcome.HTTP_ERROR, str(current), error=error)

    def _finish(
        self,
        url: httpx.URL,
        exchange: _Exchange,
        trace: _Trace,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        headers = exchange.headers
        common = {"status": exchange.status, "headers": headers}
        if exchange.too_large:
            error = failure("too_large", cap=self.policy.max_body_bytes)
            return trace.result(FetchOutcome.TOO_LARGE, str(url), error=error, **common)
        if exchange.status == 304:
            return trace.result(
                FetchOutcome.NOT_MODIFIED,
                str(url),
                etag=headers.get("etag", etag),
                last_modified=headers.get("last-modified", last_modified),
                **common,
            )
        if exchange.status >= 400 or exchange.status < 200:
            error = failure("http", status=exchange.status, host=url.host)
            if exchange.status in RETRY_STATUSES and "retry-after" in headers:
                after = headers["retry-after"]
                error = failure("http_retry", status=exchange.status, host=url.host, after=after)
            return trace.result(FetchOutcome.HTTP_ERROR, str(url), error=error, **common)
        return trace.result(
            FetchOutcome.OK,
            str(url),
            body=exchange.body,
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            **common,
        )

    async def _exchange(
        self, url: httpx.URL, headers: dict[str, str], trace: _Trace
    ) -> _Exchange | FetchResult:
        """One request with retries: an exchange to interpret, or a finished failure."""
        host = host_key(url)
        p = self.policy
        for attempt in range(p.retries + 1):
            waiting = self.gate.wait_for(host)
            if waiting > p.retry_after_cap:
                cap = f"{p.retry_after_cap:.0f}"
                error = failure("wait_cap", host=url.host, waiting=f"{waiting:.0f}", cap=cap)
                return trace.result(FetchOutcome.HTTP_ERROR, str(url), error=error)
            trace.attempts += 1
            pause = backoff_delay(attempt, p.backoff_base, p.backoff_cap, self._rng)
            try:
                exchange = await self._attempt(url, headers)
            except httpx.DecodingError as exc:
                error = failure("corrupt", error=exc)
                return trace.result(FetchOutcome.HTTP_ERROR, str(url), error=error)
            except (httpx.TransportError, TimeoutError) as exc:
                if attempt == p.retries:
                    error = describe_network_error(exc, p.total_timeout, url.host)
                    return trace.result(FetchOutcome.NETWORK_ERROR, str(url), error=error)
                self.gate.defer(host, pause)
                continue
            if exchange.status not in RETRY_STATUSES:
                return exchange
            asked = parse_retry_after(exchange.headers.get("retry-after"))
            self.gate.defer(host, pause if asked is None else asked)
            if attempt == p.retries or (asked or 0) > p.retry_after_cap:
                return exchange
        raise AssertionError("the retry loop always returns")

    async def _attempt(self, url: httpx.URL, headers: dict[str, str]) -> _Exchange:
        """Send one request through the gate and read its body up to the cap."""

        async def read(response: httpx.Response) -> _Exchange:
            kept = {k: response.headers[k] for k in KEPT_HEADERS if k in response.headers}
            if not 200 <= response.status_code < 300:
                return _Exchange(response.status_code, kept)
            body, too_large = await read_capped(response, self.policy.max_body_bytes)
            return _Exchange(response.status_code, kept, body, too_large)

        return await self._send(url, read, headers=headers)

    async def _send(
        self,
        url: httpx.URL,
        read: Callable[[httpx.Response], Awaitable[_Read]],
        *,
        headers: dict[str, str] | None = None,
    ) -> _Read:
        """GET `url` through the host's gate (and in a turn of its shared budget, if it has
        one), and `read` the streamed response within the total timeout.

        A request that would leave after its turn ended is not sent (`tracker.fetch.turns`)
        and takes a new turn, up to `MAX_MISSED_TURNS` turns in all. A request in its turn
        takes no global connection slot (see `HostGate.slot`), so only a stalled process,
        never a busy slot, makes it miss.
        """
        host = host_key(url)
        for _missed in range(MAX_MISSED_TURNS):
            turn = await self._turn(host)
            extensions = {"trace": deadline_trace(turn)} if turn else None
            try:
                async with (
                    self.gate.slot(host, in_turn=turn is not None),
                    asyncio.timeout(self.policy.total_timeout),
                ):
                    request = self.client.build_request(
                        "GET", url, headers=headers, extensions=extensions
                    )
                    response = await self.client.send(request, stream=True)
                    try:
                        return await read(response)
                    finally:
                        await response.aclose()
            except MissedTurn:
                continue
        raise TurnsMissed(f"missed {MAX_MISSED_TURNS} turns at {host}")

    async def _turn(self, host: str) -> Turn | None:
        """This process's next turn at `host`, once it has started (None: no shared budget)."""
        turn = await self.turns.take(host) if self.turns is not None else None
        if turn is not None:
            await asyncio.sleep(max(0.0, turn.start - time.time()))
        return turn

    def reads_robots_first(self, url: str) -> bool:
        """Whether fetching `url` now would first read its host's robots.txt (an extra
        request to the host: a scheduler sharing the host's budget counts it)."""
        parsed = httpx.URL(url)
        if not self.policy.robots_apply_to(parsed.host):
            return False
        return not self._robots.fresh(f"{parsed.scheme}://{parsed.netloc.decode('ascii')}")

    async def robots_refusal(self, url: httpx.URL) -> tuple[FetchOutcome, str] | None:
        """Why `url` may not be fetched, or None when it may.

        ROBOTS when robots.txt forbids it (or is unavailable, which RFC 9309 treats as
        forbidding everything); NETWORK_ERROR when the host did not answer at all: that
        is what happened, and a page fetch would have failed the same way.
        """
        if not self.policy.robots_apply_to(url.host):
            return None
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        rules = await self._robots.rules_for(origin, self._load_robots)
        if rules.crawl_delay:
            delay = min(rules.crawl_delay, self.policy.max_crawl_delay)
            self.gate.slow_down(host_key(url), delay)
        target = url.raw_path.decode("ascii")
        if rules.allows(target):
            return None
        if rules.reason:
            outcome = FetchOutcome.NETWORK_ERROR if rules.unreachable else FetchOutcome.ROBOTS
            return outcome, rules.reason
        return FetchOutcome.ROBOTS, failure(
            "robots_disallows", host=url.host, target=target, token=PRODUCT_TOKEN
        )

    async def _load_robots(self, origin: str) -> RobotsRules:
        """The rules of `origin`'s robots.txt. Its redirects are followed here, one request
        at a time, each through its host's gate (and in a turn of its own where turns are
        shared): left to httpx, a redirect's request went out at once, after its turn."""
        url = httpx.URL(origin + "/robots.txt")

        async def read(response: httpx.Response) -> tuple[int, bytes, str | None]:
            body, _ = await read_capped(response, MAX_ROBOTS_BYTES, keep_prefix=True)
            return response.status_code, body, response.headers.get("location")

        try:
            for _hop in range(ROBOTS_REDIRECTS + 1):
                status, body, location = await self._send(url, read)
                if status not in REDIRECT_STATUSES or not location:
                    break
                url = checked_url(urljoin(str(url), location))
            else:
                return ALLOW_ALL  # RFC 9309: past five redirects, robots.txt is "unavailable"
        except (UnsupportedURLError, ValueError):
            return ALLOW_ALL  # a redirect daoshou cannot follow: robots.txt is "unavailable"
        except (httpx.TransportError, TimeoutError) as exc:
            error = describe_network_error(exc, self.policy.total_timeout, url.host)
            return disallow_all(error, unreachable=True)
        except httpx.RequestError as exc:
            return disallow_all(
                failure("robots_unreadable", host=url.host, kind=type(exc).__name__)
            )
        if status >= 500 or status == 429:
            return disallow_all(failure("robots_unavailable", host=url.host, status=status))
        if status >= 400:
            return ALLOW_ALL
        return parse_robots(body.decode("utf-8", errors="replace"), PRODUCT_TOKEN)


KEPT_HEADERS = (
    "content-type",
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "retry-after",
    "location",
    "cache-control",
    "date",
)
