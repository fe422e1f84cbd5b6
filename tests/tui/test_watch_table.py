"""The watchlist table fits its columns to the first screenful and widens them as later
chunks of rows arrive: a price further down is never cut, and no row is lost."""

from datetime import UTC, datetime
from decimal import Decimal

from textual.app import App, ComposeResult

from tracker.queries.watch_rows import ListingQuote, WatchRow
from tui.format import money
from tui.widgets.watch_table import CHUNK_ROWS, FIRST_ROWS, WatchData, WatchTable

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
MANY = FIRST_ROWS + 2 * CHUNK_ROWS + 7  # the first screenful and three later chunks


def _row(product_id: int, price: str, name: str | None = None) -> WatchRow:
    quote = ListingQuote(
        listing_id=product_id,
        product_id=product_id,
        platform="jd",
        shop=None,
        url=f"https://item.jd.com/{product_id}.html",
        pack=None,
        per_pack=None,
        price=Decimal(price),
        currency="CNY",
        previous_price=None,
        priced_at=NOW,
        checked_at=NOW,
        in_stock=True,
        reason=None,
        title=None,
    )
    return WatchRow(product_id, name or f"item {product_id:04d}", "piece", None, (quote,), quote)


class _TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield WatchTable(id="watch-table")


async def _all_rows_added(table: WatchTable, pilot, count: int) -> None:
    for _ in range(50):  # the chunks come one refresh after another
        if table.row_count == count:
            return
        await pilot.pause()


def _show(table: WatchTable, rows: list[WatchRow]) -> None:
    table.show(WatchData(rows), needle="", sort="product", reverse=False, now=NOW)


async def test_a_wider_price_further_down_widens_its_column():
    far_down = money(Decimal("1234567.89"))  # the last row by name
    rows = [_row(n, "9.90") for n in range(1, MANY)] + [_row(MANY, "1234567.89")]
    app = _TableApp()
    async with app.run_test(size=(160, 40)) as pilot:
        table = app.query_one(WatchTable)
        _show(table, rows)
        assert table.columns["best"].width < len(far_down)  # fitted to the first screenful
        await _all_rows_added(table, pilot, len(rows))
        assert table.row_count == len(rows)
        assert table.columns["best"].width >= len(far_down)  # and never cut further down
        assert table.get_row(str(MANY))[table.shown.index("best")].plain == far_down


async def test_a_column_that_no_longer_fits_goes_and_every_row_stays():
    """At 80 columns a much wider price leaves no room for a lower-ranked column: the
    table is drawn again without it, from the first row, with every row and the cursor."""
    widest = money(Decimal("123456789012345.50"))
    rows = [_row(n, "9.90") for n in range(1, MANY)] + [_row(MANY, "123456789012345.50")]
    app = _TableApp()
    async with app.run_test(size=(80, 30)) as pilot:
        table = app.query_one(WatchTable)
        _show(table, rows)
        before = set(table.shown)
        table.move_cursor(row=5)
        await _all_rows_added(table, pilot, len(rows))
        assert table.row_count == len(rows)
        assert set(table.shown) < before  # a column went to make room
        assert table.get_row(str(MANY))[table.shown.index("best")].plain == widest
        assert table.columns["best"].width >= len(widest)
        assert table.cursor_row == 5
