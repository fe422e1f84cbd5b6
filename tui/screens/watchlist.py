"""WatchlistScreen: every watched product, its best price now, and where prices are going.

The first paint needs only the watchlist's rows: read from a SQLite store through sqlite3
alone (`tracker.queries.watchlist_sqlite`), else by `load_watchlist`. Sparklines, lowest
prices and forecasts follow from a second worker, started once the first rows are on
screen: it is the one that imports SQLAlchemy and opens the store's engine, so that
import never competes with the first paint. New observations written by any process
trigger a reload (`PricesRecorded`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Input, Static

from tui.context import AppContext
from tui.i18n import t
from tui.messages import (
    CartChanged,
    ForecastsStored,
    ListingsPaused,
    PricesRecorded,
    ProductAdded,
    RowsChanged,
    TrendsLoaded,
    WatchlistLoaded,
    WorkFinished,
)
from tui.screens.base import DaoshouScreen
from tui.text import display_text, safe_content
from tui.widgets.columns import cursor_key
from tui.widgets.watch_table import FIRST_ROWS, SORTABLE, WatchData, WatchTable

if TYPE_CHECKING:
    from tracker.queries.watch_rows import WatchRow


class WatchlistScreen(DaoshouScreen):
    """The home screen: the watchlist table, a filter box and a status line."""

    AUTO_FOCUS = "#watch-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding, so the key shows in the footer (the table's own is hidden).
        Binding("enter", "open", t("nav.open"), priority=True),
        Binding("a", "add", t("nav.add")),
        Binding("b", "add_to_cart", t("plan.add"), show=False),
        Binding("c", "check", t("nav.check")),
        Binding("slash", "filter", t("nav.filter"), key_display="/"),
        Binding("s", "sort", t("nav.sort")),
        Binding("v", "all_columns", t("nav.columns")),
        # The footer keeps to what fits in 80 columns; `?` and the palette list the rest.
        Binding("r", "refresh", t("nav.refresh"), show=False),
        Binding("f", "forecast_all", t("watch.forecast_all"), show=False),
        Binding("escape", "clear_filter", show=False),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.data = WatchData()
        self.needle = ""
        self.sort = "product"
        self.reverse = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=t("watch.filter_placeholder"), id="watch-filter")
        yield WatchTable(id="watch-table")
        yield Static(id="watch-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.sub_title = t("nav.watchlist")
        self.reload()
        if self.context.forecast_on_start:
            self.action_forecast_all()

    def redraw_after_recompose(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the watchlist again (a newer reload supersedes a running one). Until it
        has been read once, in the order it opens in, its first screenful comes first."""
        opening = not self.loaded and not self.needle and not self.reverse
        first = FIRST_ROWS if opening and self.sort == "product" else None
        self.run_blocking(self._read_rows, first, group="watchlist-rows")

    def _read_rows(self, first: int | None) -> None:
        from tracker.queries.watchlist_sqlite import read_watchlist

        rows = read_watchlist(self.context.url, first)
        if first is not None and rows is not None and len(rows) == first:
            self.post_result(WatchlistLoaded(rows, complete=False))
            return  # the rest is read once these are on screen
        if rows is None:  # not a SQLite store at the current schema
            from tracker.queries.watchlist import load_watchlist

            rows = load_watchlist(self.context.engine)
        self.post_result(WatchlistLoaded(rows))

    def _read_trends(self, rows: list[WatchRow]) -> None:
        from tracker.queries.watchlist import load_forecast_marks, load_trends

        engine = self.context.engine
        now = self.context.now()
        trends = load_trends(engine, rows, now=now)
        marks = load_forecast_marks(engine, rows, today=now.date())
        self.post_result(TrendsLoaded(trends, marks))

    def on_watchlist_loaded(self, message: WatchlistLoaded) -> None:
        self.data = WatchData(message.rows, self.data.trends, self.data.marks)
        self.loaded = message.complete
        self._redraw()
        # The next read starts after the frame that shows these rows: reading the rest
        # (or importing SQLAlchemy for the trends) would hold the interpreter meanwhile.
        if message.complete:
            self.call_after_refresh(
                self.run_blocking, self._read_trends, message.rows, group="watchlist-trends"
            )
        else:
            self.call_after_refresh(
                self.run_blocking, self._read_rows, None, group="watchlist-rows"
            )

    def on_trends_loaded(self, message: TrendsLoaded) -> None:
        self.data = WatchData(self.data.rows, message.trends, message.marks)
        if self.sort == "lowest":
            self._redraw()  # the order depends on what just arrived
        else:
            self.query_one(WatchTable).fill_later_columns(self.data)

    def on_prices_recorded(self, message: PricesRecorded) -> None:
        if not self.loaded:
            self.reload()
            return
        self.run_blocking(
            self._read_changed, message.after_id, group="watchlist-changed", exclusive=False
        )

    def _read_changed(self, after_id: int) -> None:
        from tracker.queries.watchlist import (
            changed_products,
            load_forecast_marks,
            load_trends,
            load_watchlist,
        )

        engine = self.context.engine
        rows = load_watchlist(engine, changed_products(engine, after_id))
        now = self.context.now()
        trends = load_trends(engine, rows, now=now)
        marks = load_forecast_marks(engine, rows, today=now.date())
        self.post_result(RowsChanged(rows, trends, marks))

    def on_rows_changed(self, message: RowsChanged) -> None:
        """Only the products that moved are read again and redrawn in place."""
        fresh = {row.product_id: row for row in message.rows}
        known = {row.product_id for row in self.data.rows}
        rows = [fresh.get(row.product_id, row) for row in self.data.rows]
        rows += [row for pid, row in fresh.items() if pid not in known]
        marks = {pid: m for pid, m in self.data.marks.items() if pid not in fresh}
        self.data = WatchData(rows, {**self.data.trends, **message.trends}, marks | message.marks)
        table = self.query_one(WatchTable)
        if self.sort != "product" or self.needle or set(fresh) - known:
            self._redraw()  # the order or the set of rows shown may change
        else:
            table.update_rows(message.rows, self.data)

    def on_forecasts_stored(self, message: ForecastsStored) -> None:
        self.reload()

    def on_product_added(self, message: ProductAdded) -> None:
        self.reload()

    def on_listings_paused(self, message: ListingsPaused) -> None:
        self.reload()

    def _redraw(self) -> None:
        table = self.query_one(WatchTable)
        shown = table.show(
            self.data,
            needle=self.needle,
            sort=self.sort,
            reverse=self.reverse,
            now=self.context.now(),
        )
        if not self.data.rows and self.loaded:
            status = t("watch.empty")
        else:
            total = len(self.data.rows) if self.loaded else "…"  # the rest is on its way
            column = t(f"watch.{self.sort}")
            arrow = "↓" if self.reverse else "↑"
            status = (
                f"{t('watch.count', shown=shown, total=total)}  ·  "
                f"{t('watch.sorted_by', column=column)} {arrow}"
            )
            if self.needle:
                status += f"  ·  / {self.needle}"
        self.query_one("#watch-status", Static).update(safe_content(status))

    def _selected_product(self) -> int | None:
        key = cursor_key(self.query_one(WatchTable))
        return int(key) if key is not None else None

    def action_open(self) -> None:
        """Open the product under the cursor (from the filter box: back to the table)."""
        if isinstance(self.focused, Input):
            self.query_one(WatchTable).focus()
            return
        product_id = self._selected_product()
        if product_id is not None:
            self.open_product(product_id)

    def open_product(self, product_id: int) -> None:
        """Push the Product screen for `product_id`."""
        from tui.screens.product import ProductScreen

        self.app.push_screen(ProductScreen(self.context, product_id))

    @on(DataTable.RowSelected, "#watch-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_product(int(event.row_key.value))

    @on(DataTable.HeaderSelected, "#watch-table")
    def _header_selected(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column in SORTABLE:
            self.reverse = not self.reverse if column == self.sort else False
            self.sort = column
            self._redraw()

    def action_sort(self) -> None:
        """Sort by the next sortable column."""
        self.sort = SORTABLE[(SORTABLE.index(self.sort) + 1) % len(SORTABLE)]
        self.reverse = False
        self._redraw()

    def action_all_columns(self) -> None:
        """Show every column, scrolled sideways, or only those that fit the terminal."""
        self.query_one(WatchTable).toggle_all_columns()

    def action_refresh(self) -> None:
        """Read everything again."""
        self.reload()

    def action_add(self) -> None:
        """Add a product from a pasted URL or share text."""
        from tui.screens.add_product import AddProductScreen

        def added(result: ProductAdded | None) -> None:
            if result is not None:
                note = t("add.done", name=result.name, first_check=result.first_check)
                self.app.notify(display_text(note, limit=400), markup=False)
                self.reload()

        self.app.push_screen(AddProductScreen(self.context), added)

    def action_forecast_all(self) -> None:
        """Forecast every listing's coming sales in the background (minutes with Prophet)."""
        self.app.notify(t("watch.forecasting"), markup=False)
        self.run_blocking(self._forecast_all, group="watchlist-forecast")

    def _forecast_all(self) -> None:
        from tracker.checks.nightly import refresh_forecasts_in

        # One child process with silenced streams, abandoned at once when the app quits.
        url = self.context.url
        summary = self.in_child(refresh_forecasts_in, url, self.context.now().date())
        done = t(
            "watch.forecasts_done",
            made=summary.made,
            skipped=summary.skipped,
            failed=len(summary.failed),
        )
        if summary.parts_passed:
            done += "\n" + t("cli.forecasts_passed", parts=summary.parts_passed)
        self.post_result(WorkFinished(done, "warning" if summary.failed else "information"))
        self.announce(ForecastsStored)

    def action_add_to_cart(self) -> None:
        """Put the product under the cursor in the cart (one more if it is already there)."""
        product_id = self._selected_product()
        row = next((r for r in self.data.rows if r.product_id == product_id), None)
        if row is not None:
            path = self.context.cart_path
            self.run_blocking(self._add_to_cart, row, path, group="watchlist-cart")

    def _add_to_cart(self, row: WatchRow, path: Path | None) -> None:
        from tracker.plans.edits import add_product, cart_path

        add_product(path or cart_path(), row)
        self.announce(CartChanged)
        self.post_result(WorkFinished(t("plan.added", name=row.name)))

    def on_work_finished(self, message: WorkFinished) -> None:
        self.app.notify(message.text, severity=message.severity, markup=False)
        self.reload()

    def action_check(self) -> None:
        """Check the listings of the product under the cursor now."""
        product_id = self._selected_product()
        row = next((r for r in self.data.rows if r.product_id == product_id), None)
        if row is not None and row.listings:
            self.check_now([q.listing_id for q in row.listings])

    def action_filter(self) -> None:
        """Show the filter box and focus it."""
        box = self.query_one("#watch-filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        """Clear and hide the filter."""
        box = self.query_one("#watch-filter", Input)
        box.value = ""
        box.display = False
        self.query_one(WatchTable).focus()

    @on(Input.Changed, "#watch-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.needle = event.value.strip()
        self._redraw()

    @on(Input.Submitted, "#watch-filter")
    def _filter_submitted(self) -> None:
        self.query_one(WatchTable).focus()
