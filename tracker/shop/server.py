"""The fixture shop: a real HTTP shop on loopback whose prices and faults a caller controls.

Tests, benchmarks and `daoshou demo` need a shop that behaves like the real ones (JSON-LD
and visible prices, GBK pages, ETag/Last-Modified with 304s, robots.txt, 429/503 with
Retry-After, redirects to a login host, slow and huge pages) yet is deterministic and
offline. It is standard library only and runs as its own process:

    python -m tracker.shop.server --port 0 [--listeners K] [--products N] [--pages DIR]

It prints the ports it listens on (one line, space separated) and serves until it is
terminated (or, with `--exit-with-stdin`, until its stdin closes, so a launcher that dies
never leaves a shop behind). With `--listeners K` it listens on K ports sharing one
catalogue: K distinct origins, i.e. K "hosts" for per-host politeness.

Shop pages: `/product/<slug>`, `/redirect/<n>/<slug>` (n hops, then the product),
`/pages/<file>` (files of `--pages`, served as-is), `/robots.txt`, `/login`, and a fake
platform that prices only for a signed-in session (`/platform/...`, `tracker.shop.platform`).
Control, on the same ports (never logged):

    POST /_admin/product/<slug>  {"price": "12.50", "in_stock": false, "title": ..., ...}
    POST /_admin/fault/<target>  {"kind": K, "count": n, ...}   target: slug, file, robots.txt
    POST /_admin/robots          robots.txt text
    GET  /_admin/log             every request: t and t_end (arrival, and the moment the
                                 answer's last bytes went out: a client cannot hold the
                                 whole answer earlier, so a request it starts after one
                                 finished always arrives after that one's t_end; monotonic
                                 s), port, path, headers, status, in_flight (requests then
                                 in progress on that port, this one included)
    POST /_admin/log/clear       POST /_admin/reset (faults and log)
    POST /_admin/platform/expire the fake platform forgets every session

Fault kinds: 429 / 503 (`retry_after`), status (`status`), slow (`seconds`, body dripped),
timeout (`seconds` of silence, then the connection closes), reset (closed without an
answer), login_redirect (`location`, default JD's passport), gbk (`declare`: header, meta
or both), huge (`bytes`, `chunked`: no Content-Length), encoded (a static file sent as
it is, under `Content-Encoding: <encoding>`: compressed bodies, bombs included).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from collections import deque
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tracker.shop.handler import ShopHandler
from tracker.shop.pages import ShopProduct, generated_product

__all__ = ["DEFAULT_ROBOTS", "ShopState", "main", "serve"]

DEFAULT_ROBOTS = "User-agent: *\nDisallow: /private/\n"
FAULT_KINDS = frozenset(
    {"429", "503", "status", "slow", "timeout", "reset", "login_redirect", "gbk", "huge", "encoded"}
)


class ShopState:
    """The catalogue, pending faults and request log, shared by every listener thread."""

    def __init__(self, pages: Path | None = None) -> None:
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.pages = pages.resolve() if pages else None
        self.products: dict[str, ShopProduct] = {}
        self.faults: dict[str, deque[dict[str, Any]]] = {}
        self.log: list[dict[str, Any]] = []
        self.robots = DEFAULT_ROBOTS
        self.sessions: set[str] = set()  # live sessions of the fake platform
        self._in_flight: dict[int, int] = {}

    def take_fault(self, target: str) -> dict[str, Any] | None:
        """The next pending fault for `target`, consuming one of its `count`."""
        with self.lock:
            queue = self.faults.get(target)
            if not queue:
                return None
            fault = queue[0]
            fault["count"] -= 1
            if fault["count"] <= 0:
                queue.popleft()
            return fault

    def add_fault(self, target: str, fault: dict[str, Any]) -> None:
        """Queue `fault` for the next `fault["count"]` requests to `target`."""
        kind = str(fault.get("kind", ""))
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(FAULT_KINDS)}")
        fault = {**fault, "kind": kind, "count": int(fault.get("count", 1))}
        with self.lock:
            self.faults.setdefault(target, deque()).append(fault)

    def begin(self, port: int, method: str, path: str, headers: Any) -> dict[str, Any]:
        """Log a request as it arrives; the returned entry gets its status later."""
        with self.lock:
            in_flight = self._in_flight.get(port, 0) + 1
            self._in_flight[port] = in_flight
            entry = {
                "seq": len(self.log),
                "t": time.monotonic(),
                "port": port,
                "method": method,
                "path": path,
                "user_agent": headers.get("User-Agent"),
                "cookie": headers.get("Cookie"),
                "if_none_match": headers.get("If-None-Match"),
                "if_modified_since": headers.get("If-Modified-Since"),
                "in_flight": in_flight,
                "status": None,
                "t_end": None,
            }
            self.log.append(entry)
            return entry

    def answering(self, port: int, entry: dict[str, Any]) -> None:
        """The handler is about to send the answer's last bytes: the request stops being
        in progress now, before the client can see the answer complete (idempotent)."""
        with self.lock:
            if entry["t_end"] is None:
                self._in_flight[port] -= 1
                entry["t_end"] = time.monotonic()

    def end(self, port: int, entry: dict[str, Any], status: int | None) -> None:
        """Record the status of a logged request (and its end, if no answer was sent)."""
        self.answering(port, entry)
        with self.lock:
            entry["status"] = status

    def reset(self) -> None:
        """Forget faults and the log (the catalogue stays)."""
        with self.lock:
            self.faults.clear()
            self.log.clear()
            self.robots = DEFAULT_ROBOTS


class ShopHTTPServer(ThreadingHTTPServer):
    """One listener; all listeners of a shop share one ShopState."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: ShopState) -> None:
        super().__init__(address, ShopHandler)
        self.state = state


def serve(host: str, port: int, listeners: int, state: ShopState) -> list[ShopHTTPServer]:
    """Start `listeners` servers (ports from `port`, or free ports when 0) in threads."""
    servers = []
    for index in range(listeners):
        server = ShopHTTPServer((host, port + index if port else 0), state)
        threading.Thread(
            target=server.serve_forever, args=(0.05,), name=f"shop-{index}", daemon=True
        ).start()
        servers.append(server)
    return servers


def main(argv: list[str] | None = None) -> int:
    """Run the fixture shop until SIGTERM/SIGINT (or stdin's end) arrives."""
    parser = argparse.ArgumentParser(prog="python -m tracker.shop.server")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    parser.add_argument("--port", type=int, default=0, help="first port; 0 picks free ports")
    parser.add_argument("--listeners", type=int, default=1, help="ports (origins) to serve")
    parser.add_argument("--products", type=int, default=0, help="generate p0001..pN")
    parser.add_argument("--pages", type=Path, help="directory of static pages for /pages/")
    parser.add_argument(
        "--exit-with-stdin", action="store_true", help="stop when stdin reaches end of file"
    )
    args = parser.parse_args(argv)
    state = ShopState(args.pages)
    for index in range(1, args.products + 1):
        product = generated_product(index)
        state.products[product.slug] = product
    servers = serve(args.host, args.port, max(1, args.listeners), state)
    print(" ".join(str(s.server_address[1]) for s in servers), flush=True)
    signal.signal(signal.SIGTERM, lambda *_: state.stopping.set())
    if args.exit_with_stdin:
        threading.Thread(target=_wait_for_stdin_eof, args=(state,), daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        state.stopping.wait()
    state.stopping.set()
    for server in servers:
        server.shutdown()
        server.server_close()
    return 0


def _wait_for_stdin_eof(state: ShopState) -> None:
    """Stop when the parent goes away (its end of our stdin closes)."""
    try:
        while os.read(0, 4096):  # the raw fd: a buffered read would hold a lock at exit
            pass
    except (OSError, ValueError):
        pass
    state.stopping.set()


if __name__ == "__main__":
    sys.exit(main())
