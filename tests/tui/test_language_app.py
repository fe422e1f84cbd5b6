"""The app in Chinese through and through, after a switch too; advice that says which
price it was made for."""

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from textual.widgets import DataTable, Select

from tracker.store import summary
from tracker.store.tables import Observation
from tui import i18n
from tui.widgets.breakdown_table import BreakdownTable
from tui.widgets.watch_table import WatchTable


async def _settle(app, pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _hints(node) -> dict[str, str]:
    return {
        key: bindings[0].description for key, bindings in node._bindings.key_to_bindings.items()
    }


async def test_key_hints_follow_a_language_switch(make_app, monkeypatch):
    monkeypatch.setattr(i18n, "_current", "en")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        assert _hints(app.screen)["f"] == "Forecast all"
        await pilot.press("comma")
        await _settle(app, pilot)
        app.screen.query_one("#settings-language", Select).value = "zh"
        await _settle(app, pilot)
        assert _hints(app)["question_mark"] == "按键"
        await pilot.press("w")  # a screen rebuilt after the switch
        await _settle(app, pilot)
        hints = _hints(app.screen)
        assert hints["f"] == "预测全部" and hints["slash"] == "筛选"
        footer = {b.binding.description for b in app.screen.active_bindings.values()}
        assert "按键" in footer and "Keys" not in footer


async def test_plan_steps_and_units_in_chinese(make_app, monkeypatch):
    monkeypatch.setattr(i18n, "_current", "zh")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        per_unit = [table.get_row_at(i)[3].plain for i in range(table.row_count)]
        assert any(text.endswith("/件") for text in per_unit)
        assert not any(text.endswith(("/pc", "/piece")) for text in per_unit)
        await pilot.press("p")
        await _settle(app, pilot)
        steps = _column(app.screen.query_one(BreakdownTable))
        assert any(text.startswith(("单价 ", "原价 ")) for text in steps)
        assert not any(word in text for text in steps for word in ("price", "cross-store"))
        orders = _column(app.screen.query_one("#orders-table", DataTable), 1)
        assert any("店铺券" in text for text in orders)
        assert not any("coupon" in text for text in orders)


def _column(table: DataTable, column: int = 0) -> list[str]:
    return [table.get_row_at(i)[column].plain for i in range(table.row_count)]


async def test_advice_shows_the_price_it_was_made_for_once_the_price_moves(
    make_app, demo, forecasts, now, monkeypatch
):
    monkeypatch.setattr(i18n, "_current", "en")
    airpods = next(s for s in demo.seeded.listings if s.listing.slug == "jd-airpods-pro-2")
    product = str(airpods.product_id)
    app = make_app()
    async with app.run_test(size=(220, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        before = table.get_cell(product, "advice").plain
        assert before.startswith("wait") and "(at " not in before
        mark = app.screen.data.marks[int(product)]  # the forecast of the best listing
        made_for = mark.made_for
        assert made_for is not None
        app.poll_observations()  # the first poll remembers where the store is
        await _settle(app, pilot)
        with demo.engine.begin() as conn:  # another process checks: the price moved
            conn.execute(
                sa.insert(Observation.__table__),
                [
                    {
                        "listing_id": mark.listing_id,
                        "observed_at": now + timedelta(minutes=1),
                        "price": made_for - Decimal(400),
                        "currency": "CNY",
                        "in_stock": True,
                        "is_from_price": False,
                        "source": "test",
                    }
                ],
            )
            summary.rebuild(conn, [mark.listing_id])
        app.poll_observations()
        await _settle(app, pilot)
        after = table.get_cell(product, "advice").plain
        assert after == f"wait (at ¥{made_for:,.2f})"
