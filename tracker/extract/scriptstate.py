"""Page state that shops embed in `<script>`: `window.rawData = {...}`, `TShop.Setup({...})`.

Chinese platforms render from a JSON blob assigned in a script; reading it is far more
reliable than reading the rendered markup (when the markup is rendered at all). The blob
is found after its name and decoded with the lenient JSON reader; JavaScript that is not
JSON (unquoted keys, functions) yields nothing rather than an error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from tracker.extract.page import Page

_DECODER = json.JSONDecoder(strict=False)
_JSONP_HEAD = re.compile(
    r"\s*(?:/\*\*/)?\s*(?:typeof\s+[\w$.]+\s*===?\s*'function'\s*&&\s*)?[\w$.]+\s*\(\s*"
)


def state_after(page: Page, name: str) -> Any:
    """The JSON value assigned to / passed to `name` in an inline script, or None.

    Saved pages sometimes carry the assignment outside any script tag (`var _DATA_Detail =
    {...}` pasted as text), so when no script holds it the whole document is searched.
    """
    pattern = re.compile(r"(?<![\w$])" + re.escape(name) + r"\s*(?:=|\()\s*\(?\s*(?=[{\[])")
    for text in (*page.scripts, page.html):
        if name not in text:
            continue
        for match in pattern.finditer(text):
            try:
                value, _ = _DECODER.raw_decode(text, match.end())
            except (ValueError, RecursionError):  # malformed, too deep, or a huge integer
                continue
            return value
    return None


def payload(page: Page) -> Any:
    """A non-markup payload's JSON: bare JSON, or JSONP (`callback({...})`), else None."""
    if page.is_markup:
        return None
    text = page.html.strip().lstrip("\ufeff")
    start = next((i for i, ch in enumerate(text) if ch in "{["), None)
    if start is None or (start and not _JSONP_HEAD.fullmatch(text[:start])):
        return None
    try:
        value, _ = _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError):  # malformed, too deep, or a huge integer
        return None
    return value


def json_script(page: Page, selector: str) -> Any:
    """The JSON in a `<script>` element (URL-decoded first when it is percent-encoded)."""
    node = page.tree.css_first(selector)
    if node is None:
        return None
    text = node.text().strip()
    if text.startswith("%7B") or text.startswith("%5B"):
        text = unquote(text)
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):  # malformed, too deep, or a huge integer
        return None


def walk_dicts(
    value: Any, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every dict inside a JSON value, with the key path that leads to it."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from walk_dicts(item, (*path, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from walk_dicts(item, path)
