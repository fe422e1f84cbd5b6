"""The one place where untrusted text (titles, shop pages, URLs, error strings) is made safe.

Scraped text may contain Rich/Textual markup (`USB-C cable [2-pack]`, `[/]`, `[bold`,
`[link=...]`) or terminal escape sequences. Given to a widget as `str`, markup is parsed:
at best the text is mangled, at worst rendering raises `MarkupError`. Escape sequences
could move the cursor or retitle the terminal. So every untrusted value passes through
here and becomes a `rich.text.Text` (DataTable cells) or a `textual.content.Content`
(labels, statics): both are literal, never parsed.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.content import Content

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/PM/APC/SOS strings, 2-char escapes.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[ -/]*[0-~]?",
    re.DOTALL,
)
# C0/C1 controls (the ESC byte itself included) and bidi overrides that reorder text.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")


def clean(value: object, *, limit: int | None = None) -> str:
    """`value` as one printable line: escapes removed, controls and runs of space collapsed.

    `limit` truncates with an ellipsis, so a 2,000-character title cannot take a screen.
    """
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def safe_text(
    value: object, style: str = "", *, limit: int | None = None, cells: int | None = None
) -> Text:
    """A literal `rich.text.Text` for DataTable cells and Rich renderables.

    `cells` truncates to a display width (a CJK character takes two cells) with an ellipsis.
    """
    text = Text(clean(value, limit=limit), style=style, end="")
    if cells is not None:
        text.truncate(cells, overflow="ellipsis")
    return text


def safe_content(value: object, *, limit: int | None = None) -> Content:
    """A literal `Content` for `Static`, `Label` and notifications' bodies."""
    return Content(clean(value, limit=limit))


def safe_lines(lines: list[str], *, limit: int | None = None) -> Content:
    """Several untrusted lines as one literal `Content`, each line cleaned on its own."""
    return Content("\n".join(clean(line, limit=limit) for line in lines))
