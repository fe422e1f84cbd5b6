"""What a fetch produced, shared by the HTTP fetcher and the browser mode.

The outcome values are the `FetchAttempt.status` strings stored in the database, so a
check records `result.outcome` as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from tracker.extract.decode import decode_html

__all__ = ["FetchOutcome", "FetchResult"]


class FetchOutcome(StrEnum):
    """What happened to one fetch (see `tracker.fetch.fetcher` for the meaning of each)."""

    OK = "ok"
    NOT_MODIFIED = "not_modified"
    HTTP_ERROR = "http_error"
    NETWORK_ERROR = "network_error"
    BLOCKED = "blocked"
    ROBOTS = "robots"
    TOO_LARGE = "too_large"


@dataclass(frozen=True)
class FetchResult:
    """One fetch: the page (when there is one) or why there is none.

    `headers` keeps a small subset (content type, validators, Retry-After, Location...)
    and never Set-Cookie. `elapsed_ms` covers the whole fetch, including retries and the
    politeness waits. `text` is decoded on first use with `tracker.extract.decode`.
    """

    url: str
    final_url: str
    outcome: FetchOutcome
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = field(default=b"", repr=False)
    etag: str | None = None
    last_modified: str | None = None
    elapsed_ms: int = 0
    attempts: int = 0
    redirects: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        """A page body is here to extract from."""
        return self.outcome is FetchOutcome.OK

    @property
    def not_modified(self) -> bool:
        """The shop answered 304: the page is the one the validators describe."""
        return self.outcome is FetchOutcome.NOT_MODIFIED

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, when the shop sent one."""
        return self.headers.get("content-type")

    @cached_property
    def text(self) -> str:
        """The body decoded (header charset, BOM, meta, detection; GBK as GB18030)."""
        return decode_html(self.body, self.content_type) if self.body else ""
