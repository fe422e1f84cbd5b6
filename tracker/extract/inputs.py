"""Reading a saved page from disk for `daoshou extract`, refusing what is not a page.

A missing path, a directory, a pipe or device, a file past the size cap of a fetched
page, an empty file or a binary file (an image, a PDF, an archive)
is a one-line `ExtractionInputError` naming the file, never a traceback and never a
"no price" verdict about something that was not a page at all.
"""

from __future__ import annotations

from pathlib import Path

from planner.local_file import read_local_file
from tracker.errors import ExtractionInputError
from tracker.extract.decode import decode_html

_BINARY_MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"\x7fELF",
    b"RIFF",
    b"OggS",
    b"ID3",
    b"\x00\x00\x01\x00",
    b"7z\xbc\xaf",
    b"SQLite format",
)
_SNIFF = 8192
_MAX_CONTROL_SHARE = 0.02  # text pages have next to no control characters


def read_page_file(path: Path) -> str:
    """The decoded text of a saved HTML page; ExtractionInputError when it is not one."""
    hint = "give the path of a saved product page (.html)"
    hint_zh = "给出已保存的商品页（.html）的路径"
    body = read_local_file(path, ExtractionInputError, hint, hint_zh=hint_zh)
    if not body.strip():
        raise ExtractionInputError(f"{path} is empty", hint, zh=(f"{path} 是空文件", hint_zh))
    if looks_binary(body):
        raise ExtractionInputError(
            f"{path} is a binary file, not an HTML page",
            hint,
            zh=(f"{path} 是二进制文件，不是 HTML 页面", hint_zh),
        )
    return decode_html(body)


def looks_binary(body: bytes) -> bool:
    """Whether bytes are a binary file rather than text (magic numbers, NUL bytes)."""
    head = body[:_SNIFF]
    if head.startswith(_BINARY_MAGIC):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text carries NULs legitimately
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 or byte == 127)
    return controls > len(head) * _MAX_CONTROL_SHARE
