"""Undoing a response's Content-Encoding with the size cap held at every layer.

httpx inflates each layer in one call, so `Content-Encoding: gzip, gzip` turns a 2 KB
response into gigabytes before any cap is looked at. daoshou reads the raw bytes and
inflates them itself, layer by layer, with zlib's `max_length`: no layer ever produces
more than the cap (plus one byte, to know it was passed), so memory stays bounded by the
cap times the number of layers, and that number is bounded too.

Only the encodings a shop may send without being asked for anything else are undone:
identity, gzip (x-gzip) and deflate. Anything else (br, zstd, an unknown name) is refused
as an undecodable body rather than stored as if it were text.
"""

from __future__ import annotations

import zlib

import httpx

__all__ = ["MAX_LAYERS", "BodyDecodeError", "Inflater", "read_capped"]

MAX_LAYERS = 2
"""A shop compresses once; a proxy may add one more. A third layer is not an accident."""

_GZIP = 16 + zlib.MAX_WBITS


class BodyDecodeError(ValueError):
    """The body's Content-Encoding cannot be undone (unknown, stacked too deep, corrupt)."""


class _Layer:
    """One gzip or deflate layer, inflating at most `limit` more bytes per call."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._wbits = _GZIP if name == "gzip" else zlib.MAX_WBITS
        self._d = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        """Inflate `data`, returning at most `limit` bytes (more input is then not needed)."""
        out = []
        produced = 0
        while data and produced < limit:
            try:
                piece = self._d.decompress(data, limit - produced)
            except zlib.error as exc:
                if self.name == "deflate" and not self._started:
                    # Servers send raw deflate as often as zlib-wrapped; try it once.
                    self._wbits = -zlib.MAX_WBITS
                    self._d = zlib.decompressobj(self._wbits)
                    self._started = True
                    continue
                raise BodyDecodeError(f"the {self.name} layer is corrupt ({exc})") from None
            self._started = True
            out.append(piece)
            produced += len(piece)
            data = self._d.unconsumed_tail
            if self._d.eof:
                # Concatenated gzip members are one body (RFC 1952); anything else after
                # the end of a deflate stream is ignored, as browsers do.
                data = self._d.unused_data if self.name == "gzip" else b""
                if data:
                    self._d = zlib.decompressobj(self._wbits)
        return b"".join(out)


def _layers(header: str) -> list[_Layer]:
    names = [n.strip().lower() for n in header.split(",") if n.strip()]
    names = [n for n in names if n != "identity"]
    if len(names) > MAX_LAYERS:
        raise BodyDecodeError(
            f"{len(names)} layers of Content-Encoding; at most {MAX_LAYERS} are undone"
        )
    layers = []
    for name in names:
        name = {"x-gzip": "gzip"}.get(name, name)
        if name not in ("gzip", "deflate"):
            raise BodyDecodeError(f"unsupported Content-Encoding {name[:40]!r}")
        layers.append(_Layer(name))
    return layers


class Inflater:
    """Raw body chunks in, decoded chunks out, never more than `cap` + 1 bytes per layer.

    `header` is the Content-Encoding value; layers are undone in reverse order of listing.
    `passed` turns true once any layer's output went past `cap`: the caller stops there.
    """

    def __init__(self, header: str, cap: int) -> None:
        self._layers = list(reversed(_layers(header)))
        self._cap = cap
        self._made = [0] * len(self._layers)
        self.passed = False

    def feed(self, raw: bytes) -> bytes:
        data = raw
        for i, layer in enumerate(self._layers):
            room = self._cap + 1 - self._made[i]
            data = layer.feed(data, room)
            self._made[i] += len(data)
            if self._made[i] > self._cap:
                self.passed = True
                return b""
        return data


async def read_capped(
    response: httpx.Response, cap: int, *, keep_prefix: bool = False
) -> tuple[bytes, bool]:
    """The body of a streamed response and whether it passed `cap` bytes.

    Past the cap, reading stops and the body is empty, or with `keep_prefix` its first
    `cap` bytes (robots.txt: the RFC says parse what fits). A declared Content-Length above
    the cap stops before reading anything. The cap is on decoded bytes, so a small
    compressed body cannot inflate past it either: every Content-Encoding layer is
    undone here under the same cap (`tracker.fetch.inflate`), never by httpx at once.
    """
    declared = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "")
    if not keep_prefix and not encoding and declared.isdigit() and int(declared) > cap:
        return b"", True
    try:
        inflater = Inflater(encoding, cap)
    except BodyDecodeError as exc:
        raise httpx.DecodingError(str(exc)) from None
    if response.is_stream_consumed:  # a test transport's body, already in memory
        body = response.content
        return (body[:cap] if keep_prefix else b"", True) if len(body) > cap else (body, False)
    chunks: list[bytes] = []
    size = 0
    async for raw in response.aiter_raw():
        try:
            chunk = inflater.feed(raw)
        except BodyDecodeError as exc:
            raise httpx.DecodingError(str(exc)) from None
        chunks.append(chunk)
        size += len(chunk)
        if size > cap or inflater.passed:
            return (b"".join(chunks)[:cap] if keep_prefix else b""), True
    return b"".join(chunks), False
