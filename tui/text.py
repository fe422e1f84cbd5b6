"""The one place where untrusted text (titles, shop pages, URLs, error strings) is made safe.

Scraped text may contain Rich/Textual markup (`USB-C cable [2-pack]`, `[/]`, `[bold`,
`[link=...]`) or terminal escape sequences. Given to a widget as `str`, markup is parsed:
at best the text is mangled, at worst rendering raises `MarkupError`. Escape sequences
could move the cursor or retitle the terminal. So every untrusted value passes through
here: `planner.display.display_text` removes escapes and controls (the core's one rule,
shared with the CLI, alerts and the budget sheet), and the result becomes a
`rich.text.Text` (DataTable cells) or a `textual.content.Content` (labels, statics): both
are literal, never parsed.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from planner.display import display_text

__all__ = ["display_text", "safe_content", "safe_lines", "safe_text"]


def safe_text(
    value: object, style: str = "", *, limit: int | None = None, cells: int | None = None
) -> Text:
    """A literal `rich.text.Text` for DataTable cells and Rich renderables.

    `cells` truncates to a display width (a CJK character takes two cells) with an ellipsis.
    """
    text = Text(display_text(value, limit=limit), style=style, end="")
    if cells is not None:
        text.truncate(cells, overflow="ellipsis")
    return text


def safe_content(value: object, *, limit: int | None = None) -> Content:
    """A literal `Content` for `Static`, `Label` and notifications' bodies."""
    return Content(display_text(value, limit=limit))


def safe_lines(lines: list[str], *, limit: int | None = None) -> Content:
    """Several untrusted lines as one literal `Content`, each line cleaned on its own."""
    return Content("\n".join(display_text(line, limit=limit) for line in lines))
