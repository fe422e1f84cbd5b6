"""Turn a fetched page's bytes into text, even when the page lies about its encoding.

Order of evidence: a byte-order mark, then the charset in the Content-Type header, then
every `<meta charset>` / `http-equiv` declaration before the body (anywhere in the head:
saved pages carry injected scripts, and one real capture declares its charset 155 KB in),
then detection with charset-normalizer. Chinese shops label pages `gbk` or `gb2312`;
those labels are decoded as GB18030, the superset, so rare characters in a title do not
turn into U+FFFD.

A declaration is evidence, not truth: saved and mirrored pages keep a `gbk` meta while the
bytes were re-encoded as UTF-8 (the corpus' Tmall page does exactly this). So every
declared charset is validated: a non-ASCII body that is valid UTF-8 is UTF-8 (legacy
multi-byte and single-byte text is practically never valid UTF-8), and a body that does
not strictly decode with its declared charset falls through to detection.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

__all__ = ["decode_html", "normalize_charset"]

_HEAD_LIMIT = 1 << 20  # declarations are looked for before <body>, within the first MiB
_DETECT_WINDOW = 65536

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels browsers treat as another, wider encoding (WHATWG Encoding Standard).
_WIDER = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "csgb2312": "gb18030",
    "iso-ir-58": "gb18030",
    "chinese": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso_8859-1": "cp1252",
}

_NON_ASCII = re.compile(rb"[\x80-\xff]")
_BODY_TAG = re.compile(rb"<body[\s>]", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,512}?charset\s*=\s*["']?\s*([\w.:+-]+)""", re.IGNORECASE | re.DOTALL
)


def normalize_charset(label: str | None) -> str | None:
    """The Python codec for a charset label, widened (gbk -> gb18030); None if unknown."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    name = _WIDER.get(name, name)
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    # A declared UTF-16 in a meta tag of an ASCII-compatible page is impossible (the meta
    # itself was readable as ASCII); browsers treat it as UTF-8.
    return "utf-8" if codec.startswith("utf-16") or codec == "utf-8-sig" else codec


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page's bytes to text using header, BOM, meta and detection."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    declared = [_charset_from_header(content_type), *_charsets_from_meta(body)]
    if body.isascii():
        return body.decode("ascii")
    if _valid_utf8(body):
        return body.decode("utf-8")
    for charset in dict.fromkeys(c for c in declared if c and c != "utf-8"):
        try:
            return body.decode(charset)
        except UnicodeDecodeError:
            continue  # this declaration lies about the bytes; try the next evidence
    detected = _detect(body)
    if detected:
        return body.decode(detected, errors="replace")
    fallback = next((c for c in declared if c), "utf-8")
    return body.decode(fallback, errors="replace")


def _charset_from_header(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return normalize_charset(match.group(1)) if match else None


def _charsets_from_meta(body: bytes) -> list[str]:
    """Every charset a meta tag declares before the body, in document order."""
    head = body[:_HEAD_LIMIT]
    end = _BODY_TAG.search(head)
    head = head[: end.start()] if end else head
    found = (
        normalize_charset(m.group(1).decode("ascii", "ignore"))
        for m in _META_CHARSET.finditer(head)
    )
    return [charset for charset in found if charset]


def _valid_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(body: bytes) -> str | None:
    """charset-normalizer's best guess on a window of the page (enough for a verdict).

    The window starts where the non-ASCII text does: a head of ASCII scripts (155 KB in
    one real capture) tells the detector nothing.
    """
    first = _NON_ASCII.search(body)
    start = max(0, (first.start() if first else 0) - 1024)
    best = from_bytes(body[start : start + _DETECT_WINDOW]).best()
    if best is None:
        return None
    return normalize_charset(best.encoding)
