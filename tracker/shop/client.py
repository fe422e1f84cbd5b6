"""Start the fixture shop as a subprocess and drive it over its admin endpoints.

    with FixtureShop.start(products=10) as shop:
        shop.set_product("p0001", price="88.00")
        shop.fault("p0001", "429", count=2, retry_after=1)
        ... fetch shop.product_url("p0001") ...
        requests = shop.log()

Standard library only (urllib), synchronous on purpose: admin calls are loopback round
trips of a millisecond, and tests, the benchmark and `daoshou demo` can all use them from
sync or async code alike.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

__all__ = ["FixtureShop", "RequestRecord"]

LOOPBACK = "127.0.0.1"
# Loopback admin calls must never go through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class RequestRecord:
    """One request as the shop saw it (times are the shop's monotonic clock, in seconds)."""

    seq: int
    t: float
    port: int
    method: str
    path: str
    user_agent: str | None
    cookie: str | None
    if_none_match: str | None
    if_modified_since: str | None
    in_flight: int
    status: int | None
    t_end: float | None  # None while the answer is still being sent


class FixtureShop:
    """A running fixture shop process; stop it with `stop()` or by leaving the `with`."""

    def __init__(self, process: subprocess.Popen[bytes], ports: tuple[int, ...]) -> None:
        self.process = process
        self.ports = ports

    @classmethod
    def start(
        cls,
        *,
        listeners: int = 1,
        products: int = 0,
        pages: Path | None = None,
        log_file: Path | None = None,
    ) -> FixtureShop:
        """Launch `python -m tracker.shop.server` on free loopback ports and wait for it.

        With `log_file`, the shop's stderr goes there (the demo must not print over the
        terminal app); otherwise it is inherited, which is what a failing test wants.
        """
        command = [sys.executable, "-m", "tracker.shop.server", "--port", "0", "--exit-with-stdin"]
        command += ["--listeners", str(listeners), "--products", str(products)]
        if pages is not None:
            command += ["--pages", str(pages)]
        stderr = log_file.open("ab") if log_file is not None else None
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr
            )
        finally:
            if stderr is not None:
                stderr.close()
        assert process.stdout is not None
        line = process.stdout.readline().decode("ascii").split()
        if not line or not all(p.isdigit() for p in line):
            process.kill()
            process.wait()
            raise RuntimeError(f"the fixture shop did not start (printed {line!r})")
        return cls(process, tuple(int(p) for p in line))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the shop process and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()

    # -- addresses ----------------------------------------------------------------------

    def base_url(self, listener: int = 0) -> str:
        """The origin of one listener, e.g. http://127.0.0.1:40123."""
        return f"http://{LOOPBACK}:{self.ports[listener]}"

    def product_url(self, slug: str, listener: int = 0) -> str:
        """The page of product `slug` on one listener."""
        return f"{self.base_url(listener)}/product/{slug}"

    def platform_url(self, slug: str) -> str:
        """The fake platform's page of product `slug`: priced only when signed in."""
        return f"{self.base_url()}/platform/item/{slug}"

    def sign_in_url(self) -> str:
        """The fake platform's sign-in page (visiting it signs the browser in)."""
        return f"{self.base_url()}/platform/signin"

    # -- control ------------------------------------------------------------------------

    def set_product(self, slug: str, **fields: Any) -> dict[str, Any]:
        """Create or change a product: price, list_price, currency, in_stock, title, render."""
        product: dict[str, Any] = self._admin("POST", f"product/{slug}", fields)
        return product

    def fault(self, target: str, kind: str, count: int = 1, **params: Any) -> None:
        """Inject `kind` into the next `count` requests to `target` (slug, file, robots.txt)."""
        self._admin("POST", f"fault/{target}", {"kind": kind, "count": count, **params})

    def set_robots(self, text: str) -> None:
        """Replace the shop's robots.txt."""
        self._admin("POST", "robots", text.encode("utf-8"))

    def expire_sessions(self) -> None:
        """Make the fake platform forget every session (the browser keeps its cookies)."""
        self._admin("POST", "platform/expire", {})

    def log(self) -> list[RequestRecord]:
        """Every shop request so far, in arrival order."""
        return [RequestRecord(**entry) for entry in self._admin("GET", "log")]

    def settled_log(self, timeout: float = 10.0) -> list[RequestRecord]:
        """The log once every logged answer has been sent (each record has its `t_end`).

        A client can hold the whole response before the shop's handler thread records
        that it finished, so measurements of answer times wait for the log to settle.
        """
        deadline = time.monotonic() + timeout
        while True:
            records = self.log()
            if all(r.t_end is not None for r in records) or time.monotonic() > deadline:
                return records
            time.sleep(0.01)

    def clear_log(self) -> None:
        """Forget the requests logged so far."""
        self._admin("POST", "log/clear", {})

    def reset(self) -> None:
        """Drop pending faults and the log, restore the default robots.txt."""
        self._admin("POST", "reset", {})

    def _admin(self, method: str, route: str, payload: Any = None) -> Any:
        if isinstance(payload, bytes):
            data: bytes | None = payload
        else:
            data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(
            f"{self.base_url()}/_admin/{route}", data=data, method=method
        )
        try:
            with _OPENER.open(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise ValueError(f"fixture shop refused {method} {route}: {exc.read()!r}") from None
