"""How a failed exchange with a shop is described: the exceptions httpx, the socket and
TLS raise (httpx wraps the socket's own), and the fetcher's `TurnsMissed`, each as a
`tracker.fetch.failures` form, so that the stored sentence can be worded again in
Chinese."""

from __future__ import annotations

import socket
import ssl

import httpx

from tracker.fetch.failures import failure

MAX_MISSED_TURNS = 8  # turns at a shared host a request may miss before the fetch fails


class TurnsMissed(httpx.TransportError):
    """A request missed `MAX_MISSED_TURNS` turns in a row at its host (`fetch.turns`)."""


def describe_network_error(exc: BaseException, total_timeout: float, host: str) -> str:
    """What happened to a failed connection to `host`, in a few words (`failures` forms)."""
    if isinstance(exc, TurnsMissed):
        return failure("missed_turns", host=host, count=MAX_MISSED_TURNS)
    if isinstance(exc, TimeoutError):
        return failure("total_timeout", host=host, seconds=f"{total_timeout:g}")
    if isinstance(exc, httpx.TimeoutException):
        return failure("timeout", host=host, kind=type(exc).__name__)
    causes = _causes(exc)
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes) or (
        "refused" in str(exc).lower()
    ):
        return failure("refused", host=host)
    if any(isinstance(cause, socket.gaierror) for cause in causes) or _name_unknown(exc):
        return failure("dns", host=host)
    tls = next((cause for cause in causes if isinstance(cause, ssl.SSLError)), None)
    if tls is not None:
        form = "tls_certificate" if isinstance(tls, ssl.SSLCertVerificationError) else "tls"
        return failure(form, host=host, error=_words(tls))
    if isinstance(exc, httpx.RemoteProtocolError) or any(
        isinstance(cause, ConnectionResetError) for cause in causes
    ):
        return failure("reset", host=host, kind=type(exc).__name__)
    if isinstance(exc, httpx.ConnectError):
        return failure("connect", host=host, error=_words(exc))
    return failure("failed", host=host, kind=type(exc).__name__, error=_words(exc))


def _words(exc: BaseException) -> str:
    """An exception's message on one line, or its type when it has none."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and the exceptions it was raised from (httpx wraps the socket's error)."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _name_unknown(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "name or service not known" in text or "nodename nor servname" in text
