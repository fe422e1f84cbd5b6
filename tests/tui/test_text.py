"""Untrusted text renders literally: markup stays text, terminal escapes disappear."""

import pytest
from rich.console import Console
from rich.text import Text
from textual.content import Content

from tui.text import display_text, safe_content, safe_text

HOSTILE = [
    "USB-C cable [2-pack]",
    "[/]",
    "[bold",
    "[link=https://evil.example]click[/link]",
    "[bold red]SALE[/bold red] 50% off",
    "[@click=app.quit]free[/]",
    "a \\[escaped] b",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_markup_in_titles_is_kept_literally(title):
    text = safe_text(title)
    assert isinstance(text, Text)
    assert text.plain == title
    assert not text.spans
    content = safe_content(title)
    assert isinstance(content, Content)
    assert content.plain == title


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_render_without_error(title):
    console = Console(width=80, record=True, color_system=None)
    console.print(safe_text(title))
    assert title in console.export_text()


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m price", "red price"),
        ("\x1b]0;pwned title\x07Tissues", "Tissues"),
        ("\x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("bell\x07 and\x00nul", "bell and nul"),
        ("line one\nline two\r\n\tthree", "line one line two three"),
        ("\u202eevil\u202c order", "evil order"),
        ("\x9b2Jc1 csi", "c1 csi"),
        ("trailing escape \x1b", "trailing escape"),
    ],
)
def test_terminal_escapes_and_controls_are_removed(raw, shown):
    assert display_text(raw) == shown
    assert "\x1b" not in safe_text(raw).plain


def test_long_titles_are_truncated_with_an_ellipsis():
    assert display_text("x" * 50, limit=10) == "x" * 9 + "…"
    assert display_text("short", limit=10) == "short"


def test_none_is_empty_and_numbers_are_text():
    assert display_text(None) == ""
    assert display_text(12.5) == "12.5"


def test_chinese_and_emoji_survive():
    assert display_text("立白洗衣液 🧺 3kg×2") == "立白洗衣液 🧺 3kg×2"
