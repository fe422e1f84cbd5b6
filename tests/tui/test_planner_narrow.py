"""The planner read at 80x24 in both languages: nothing scrolls sideways and nothing is cut.

A plan is read in full or not at all: a step label or an order's discount that loses its
end (`跨店满减 天猫跨店每满3…`) hides what the shopper is paying for. On a narrow terminal
the long cells fold onto more lines instead.
"""

from textual.widgets import DataTable

from tui.i18n import words_text


async def _settle(app, pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _cells(table: DataTable) -> list[str]:
    return [
        getattr(c, "plain", str(c)) for i in range(table.row_count) for c in table.get_row_at(i)
    ]


def _fits(table: DataTable) -> None:
    assert table.virtual_size.width <= table.size.width, f"{table.id} scrolls sideways"
    widths = [column.width for column in table.columns.values()]
    for index in range(table.row_count):
        for value, width in zip(table.get_row_at(index), widths, strict=True):
            assert "…" not in value.plain, (table.id, value.plain)
            assert max(line.cell_len for line in value.split()) <= width, (table.id, value.plain)


async def test_every_step_and_discount_is_whole_at_80_columns(make_app, language):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        await pilot.press("p")
        await _settle(app, pilot)
        screen = app.screen
        plan = screen.view.plan
        assert plan is not None and plan.priced.items
        orders = screen.query_one("#orders-table", DataTable)
        _fits(orders)
        shown = "\n".join(_cells(orders)).replace("\n", " ")
        for order in plan.priced.orders:
            for discount in order.discounts:
                assert words_text(discount.words) in shown
        cart = screen.query_one("#cart-table", DataTable)
        _fits(cart)
        breakdown = screen.query_one("#breakdown-table", DataTable)
        for item in plan.priced.items:  # the cursor walks the cart; each breakdown fits
            _fits(breakdown)
            steps = " ".join(_cells(breakdown)).replace("\n", "")
            named = str(screen.query_one("#breakdown-of").content)
            assert item.shop in named, "the shop the narrow cart leaves out is named here"
            for step in item.steps:
                assert words_text(step.words).replace(" ", "") in steps.replace(" ", "")
            await pilot.press("down")
            await _settle(app, pilot)
