"""Untrusted text to display text: the one place that decides what a stranger's words
may do on the user's screen or in the user's spreadsheet.

Titles, shop names, URLs and error strings come from pages written by strangers. On a
terminal, `ESC ] 0 ; pwned BEL` retitles the window and `ESC [ 2 J` clears it; a bidi
override (U+202E) reverses what follows; in a spreadsheet, a cell starting with `=`, `+`,
`-` or `@` (or their full-width forms, which spreadsheets fold) is a formula. Every output
of daoshou (the CLI, the app, alerts, the xlsx and the CSV) passes text through here:

    display_text(value)  one printable line: escape sequences removed, control
                         characters and bidi overrides replaced, runs of space collapsed
    sheet_text(value)    display_text, then a leading formula character neutralised

Markup is the display's business, not the text's: the app wraps the result as literal
Rich `Text` / Textual `Content` (`tui.text`), which are never parsed for `[`, so a title
such as `USB-C cable [2-pack]` shows exactly as written everywhere.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["display_text", "sheet_text"]

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/PM/APC/SOS strings, 2-char escapes,
# and the 8-bit CSI.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[\]PX^_].*?(?:\x07|\x1b\\|$)"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x1b[ -/]*[0-~]?",
    re.DOTALL,
)
# C0/C1 controls (ESC and BEL included), bidi embeddings, overrides and isolates, and the
# invisible marks that reorder text (LRM, RLM, ALM).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_FORMULA_STARTS = ("=", "+", "-", "@")


def display_text(value: object, *, limit: int | None = None) -> str:
    """`value` as one printable line; `limit` truncates with an ellipsis."""
    text = "" if value is None else str(value)
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


def sheet_text(value: object, *, limit: int | None = None) -> str:
    """`display_text` for a spreadsheet cell: never read as a formula.

    A leading `=`, `+`, `-`, `@` (full-width `＝＋－＠` included: spreadsheets fold them),
    or a tab or carriage return before one, gets an apostrophe, the spreadsheet's own
    "this is text" mark.
    """
    raw = "" if value is None else str(value)
    text = display_text(raw, limit=limit)
    folded = unicodedata.normalize("NFKC", text[:1])
    if folded.startswith(_FORMULA_STARTS) or raw[:1] in ("\t", "\r"):
        return "'" + text
    return text
