"""SVG snapshots of every screen at a fixed size, clock and data (pytest-textual-snapshot).

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the SVGs before committing them.
"""

import pytest
from textual.widgets import Input

SIZE = (140, 40)


async def _settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture
def settle_after(forecasts):
    def run_before(*keys):
        async def before(pilot):
            await _settle(pilot)
            for key in keys:
                await pilot.press(key)
                await _settle(pilot)
            for box in pilot.app.screen.query(Input):
                box.cursor_blink = False  # a blinking cursor makes the picture random
            await pilot.pause()
            errors = [n.message for n in pilot.app._notifications if n.severity == "error"]
            assert not errors  # the picture would show a failure, not the screen

        return before

    return run_before


def test_watchlist_screen(snap_compare, make_app, settle_after):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle_after())


def test_product_screen(snap_compare, make_app, settle_after):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle_after("enter"))


def test_planner_screen(snap_compare, make_app, settle_after):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle_after("p"))


def test_alerts_screen(snap_compare, make_app, settle_after):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle_after("l"))


def test_settings_screen(snap_compare, make_app, settle_after):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle_after("comma"))


def test_add_product_dialog(snap_compare, make_app, settle_after):
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=settle_after("a"))
