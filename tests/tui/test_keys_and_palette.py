"""The keys and the command palette: `?` lists the screen's keys, the palette offers every
main action with a description that says what it does, the screenshot goes somewhere
that exists, and every screen keeps its important columns at 80 columns."""

import os

from textual.widgets import DataTable, Select

from tui.app import PALETTE_ACTIONS
from tui.i18n import t
from tui.widgets.watch_table import WatchTable

NARROW = (80, 24)


async def _settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def test_question_mark_shows_the_screens_keys(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        # at 80 columns the panel would squeeze the footer and cut its keys: it gives way
        assert not app.screen.query_one("Footer").display, "the footer gives way to the panel"
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
        assert app.screen.query_one("Footer").display


async def test_palette_offers_every_action_with_its_own_description(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
    for key, _, _ in PALETTE_ACTIONS:
        if key in ("forecast_one", "pause"):
            continue  # the product screen's own actions
        assert t(f"palette.{key}") in commands
    for title in (t("nav.planner"), t("palette.export"), t("palette.language")):
        assert commands[title] and commands[title] != title


async def test_palette_export_opens_the_planner_and_runs_there(make_app, tmp_path):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        app.action_palette_run("planner", "optimise")
        await _settle(pilot)
        assert app.current_mode == "planner"


async def test_switch_language_from_the_palette(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        await app.action_switch_language()
        await _settle(pilot)
        assert t("nav.watchlist") == "关注"
        headers = [str(c.label) for c in app.screen.query_one(WatchTable).columns.values()]
        assert "商品" in headers
        await app.action_switch_language()


async def test_settings_screen_has_focus(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        await pilot.press("comma")
        await _settle(pilot)
        assert isinstance(app.focused, Select)


async def test_screenshot_without_downloads_goes_to_a_private_directory(make_app, home):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        app.action_screenshot()
        await pilot.pause()
        saved = [n.message for n in app._notifications]
    shots = list((home / "data" / "screenshots").glob("*.svg"))
    assert len(shots) == 1
    assert oct(os.stat(shots[0].parent).st_mode & 0o777) == "0o700"
    assert any(str(shots[0]) in message for message in saved)


async def test_narrow_watchlist_keeps_name_price_unit_advice_and_status(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        table = app.screen.query_one(WatchTable)
        assert table.shown == ("product", "best", "per_unit", "advice", "status")
        widths = {str(k.value): c.width for k, c in table.columns.items()}
        for row_key in table.rows:
            best = table.get_cell(row_key, "best")
            per_unit = table.get_cell(row_key, "per_unit")
            assert best.cell_len <= widths["best"]  # never `¥1,7…`
            assert per_unit.cell_len <= widths["per_unit"]  # never `¥0.782/10`
        await pilot.press("v")
        await _settle(pilot)
        assert len(table.shown) == 10


def test_wide_room_keeps_the_whole_no_price_reason():
    from rich.text import Text

    from tui.widgets.columns import fit_columns
    from tui.widgets.watch_table import COLUMNS, columns

    reason = Text(t("status.no_price", reason="login required by the shop"))
    row = {c: Text("¥1,539.00") for c in COLUMNS} | {
        "product": Text("AirPods Pro 2"),
        "status": reason,
    }
    fitted = dict((k, w) for k, _, w in fit_columns(columns(), [list(row.values())], 158))
    assert set(fitted) == set(COLUMNS)
    assert fitted["status"] >= reason.cell_len
    narrow = dict((k, w) for k, _, w in fit_columns(columns(), [list(row.values())], 78))
    assert {"product", "best", "per_unit", "advice", "status"} <= set(narrow)
    assert "trend" not in narrow  # the least important goes first
    assert sum(w + 2 for w in narrow.values()) <= 78
    assert narrow["best"] >= Text("¥1,539.00").cell_len


async def test_product_table_fits_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        await pilot.press("enter")
        await _settle(pilot)
        table = app.screen.query_one("#listing-table", DataTable)
        keys = [str(k.value) for k in table.columns]
        assert keys[:3] == ["platform", "price", "per_unit"]
        used = sum(c.width + 2 for c in table.columns.values())
        assert used <= table.size.width


def _has_english_words(text: str) -> bool:
    """Two English words in a row: a sentence left untranslated (`Cursor up`, `Quit the
    application`); keys, units and names such as `SVG` or `xlsx` are single words."""
    import re

    return re.search(r"[A-Za-z]{2,}[ '-]+[A-Za-z]{2,}", text) is not None


async def test_in_chinese_the_keys_panel_and_the_palette_speak_chinese(make_app, monkeypatch):
    """Textual's own words too: its widgets' keys (`Cursor up`) and its palette commands
    (`Quit the application as soon as possible`)."""
    from tui import i18n

    monkeypatch.setattr(i18n, "_current", "zh")
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await _settle(pilot)
        for keys in ((), ("p",), ("comma",), ("w", "enter")):
            for key in keys:
                await pilot.press(key)
                await _settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            assert app.screen.query("HelpPanel")
            shown = [
                binding.description
                for _, binding, _, _ in app.screen.active_bindings.values()
                if not binding.system and binding.description
            ]
            assert shown and not [d for d in shown if _has_english_words(d)], (keys, shown)
            await pilot.press("question_mark")
            await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        words = [c.title for c in commands] + [c.help for c in commands]
        assert not [w for w in words if _has_english_words(w)], words
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one("CommandInput").placeholder == "搜索命令…"
