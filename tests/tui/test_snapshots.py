"""SVG snapshots of every screen at 80x24 and 160x48, in Chinese and English, at a fixed
clock and data (pytest-textual-snapshot), and the layout rules those pictures rely on:
at 80 columns no price loses a digit or its unit and no key hint is cut.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them. docs/screenshot.svg is the English watchlist
at 160x48 (docs/tui.md says how to make it again).

Key hints are read from each screen's BINDINGS when its module is first imported, so
the screens are imported here in English, before any test switches the language: the
pictures do not depend on which test ran first.
"""

import importlib

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input

from tui.i18n import current_language, set_language, t

SIZES = {"80x24": (80, 24), "160x48": (160, 48)}
# screen -> the keys that open it from the watchlist
SCREENS = {
    "watchlist": (),
    "product": ("enter",),
    "planner": ("p",),
    "alerts": ("l",),
    "settings": ("comma",),
    "add": ("a",),
    "keys": ("question_mark",),
    "palette": ("ctrl+p",),
}


def _import_screens_in_english():
    before = current_language()
    set_language("en")
    try:
        for name in ("watchlist", "product", "planner", "alerts", "settings", "add_product"):
            importlib.import_module(f"tui.screens.{name}")
    finally:
        set_language(before)


_import_screens_in_english()


async def _settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _open(pilot, keys):
    """Open a screen by its keys, with no blinking cursor (it would make pictures random)."""
    await _settle(pilot)
    for key in keys:
        await pilot.press(key)
        await _settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()
    errors = [n.message for n in pilot.app._notifications if n.severity == "error"]
    assert not errors  # the picture would show a failure, not the screen


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_snapshot(snap_compare, make_app, forecasts, language, screen, size):
    async def before(pilot):
        await _open(pilot, SCREENS[screen])

    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=before)


def _money_cells_fit(table: DataTable) -> list[str]:
    """Cells holding one amount (`¥1,539.00`, `¥0.848/100ml`) wider than their column;
    sentences that mention amounts (an order's discounts) may end in `…`."""
    widths = {key: column.width for key, column in table.columns.items()}
    cut = []
    for row_key in table.rows:
        for column_key, width in widths.items():
            value = table.get_cell(row_key, column_key)
            amount = isinstance(value, Text) and "¥" in value.plain and " " not in value.plain
            if amount and value.cell_len > width:
                cut.append(value.plain)
    return cut


@pytest.mark.parametrize("screen", ["watchlist", "product", "planner", "alerts", "settings"])
async def test_nothing_is_cut_at_80_columns(make_app, forecasts, language, screen):
    """Every amount keeps all its digits and its unit; every key hint is whole on screen."""
    app = make_app()
    async with app.run_test(size=SIZES["80x24"]) as pilot:
        await _open(pilot, SCREENS[screen])
        for table in app.screen.query(DataTable):
            assert not _money_cells_fit(table), table.id
        keys = list(app.screen.query("FooterKey"))
        assert keys, "the footer shows the screen's main keys"
        # a screen that scrolls as a whole draws its scrollbar over the footer's right end
        assert not app.screen.show_vertical_scrollbar
        assert app.screen.query_one("Footer").region.width == 80
        for key in keys:
            region = key.region
            assert region.width >= key.get_content_width(region.size, region.size)
            assert region.right <= 80
        palette = [key for key in keys if key.has_class("-command-palette")]
        assert [key.description for key in palette] == [t("nav.palette")]
        assert palette[0].region.right == 80  # docked at the right edge, nothing over it
