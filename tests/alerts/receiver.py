"""A loopback HTTP receiver standing in for a notification service in alert tests.

Run as `python receiver.py`: it prints its port, then records every POST body it accepts.
Tests control it over HTTP: `POST /_admin/fail {"count": N}` answers the next N
notifications with 503, `GET /_admin/received` returns the accepted bodies in order.
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_lock = threading.Lock()
_received: list[dict] = []
_state = {"fail": 0, "refused": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def _reply(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/_admin/received":
            with _lock:
                self._reply(200, {"received": list(_received), "refused": _state["refused"]})
        else:
            self._reply(404, {})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/_admin/fail":
            with _lock:
                _state["fail"] = int(json.loads(body)["count"])
            self._reply(200, {})
            return
        with _lock:
            if _state["fail"] > 0:
                _state["fail"] -= 1
                _state["refused"] += 1
                self._reply(503, {"error": "unavailable"})
                return
            _received.append({"path": self.path, "body": json.loads(body or b"{}")})
        self._reply(200, {})


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
