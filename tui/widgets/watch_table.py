"""The watchlist table: one row per product, sortable and filterable, literal text only.

The screen hands it the data (rows, trends, forecast marks) and the view choices (filter
text, sort column); the table only draws. `show` rebuilds the rows and keeps the cursor on
the same product; trends arriving later are written into the existing cells.

A DataTable measures every new cell before it paints, so a thousand rows added at once
delay the first frame; `show` adds a screenful at once and the rest in chunks after each
refresh, so the watchlist appears at once and fills while the user reads it. Column
widths follow the same way: fitted to the first screenful, widened by later chunks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from tracker.platforms import platform_name
from tracker.queries.watch_rows import ForecastMark, Trend, WatchRow, name_order
from tui import format as fmt
from tui.i18n import reason_text, t
from tui.text import safe_text
from tui.widgets.columns import (
    Column,
    add_fixed_columns,
    cursor_key,
    fit_measured,
    measure,
    table_room,
)
from tui.widgets.sparkline_cell import sparkline

COLUMNS = (
    "product",
    "where",
    "best",
    "per_unit",
    "change",
    "lowest",
    "trend",
    "forecast",
    "advice",
    "status",
)
SORTABLE = ("product", "best", "per_unit", "change", "lowest")
_HEADERS = {
    "product": "watch.product",
    "where": "watch.where",
    "best": "watch.best",
    "per_unit": "watch.per_unit",
    "change": "watch.change",
    "lowest": "watch.lowest",
    "trend": "watch.trend",
    "forecast": "watch.forecast",
    "advice": "watch.advice",
    "status": "watch.status",
}
# (narrowest, widest, rank, flexible, wanted): rank 0 always stays; higher ranks go first
# when the terminal is narrow (80 columns keep name, price, per unit, advice and status).
# The name claims 20 cells before others go; a status claims its whole reason, so a wide
# terminal drops a sparkline rather than cut "no price: <reason>".
_SHAPES: dict[str, tuple[int, int, int, bool, int | None]] = {
    "product": (14, 40, 0, True, 20),
    "where": (10, 30, 5, True, 16),
    "best": (9, 14, 1, False, None),
    "per_unit": (9, 18, 2, False, None),
    "change": (6, 12, 6, False, None),
    "lowest": (12, 18, 7, False, None),
    "trend": (12, 12, 9, False, None),
    "forecast": (15, 17, 8, False, None),
    "advice": (8, 32, 3, True, None),
    "status": (8, 60, 4, True, None),
}
WIDE_ROOM = 400  # the "all columns" view: every column, scrolled sideways


def columns() -> list[Column]:
    """The watchlist's columns, labelled in the current language."""
    return [Column(c, t(_HEADERS[c]), *_SHAPES[c]) for c in COLUMNS]


@dataclass(frozen=True)
class WatchData:
    """Everything the table shows; trends and marks arrive after the first paint."""

    rows: list[WatchRow] = field(default_factory=list)
    trends: dict[int, Trend] = field(default_factory=dict)
    marks: dict[int, ForecastMark] = field(default_factory=dict)


def matches(row: WatchRow, needle: str) -> bool:
    """Whether a filter text matches the product's name, platforms or shops."""
    if not needle:
        return True
    haystack = [
        row.name,
        *(q.platform for q in row.listings),
        *(platform_name(q.platform) for q in row.listings),
        *(q.shop or "" for q in row.listings),
    ]
    low = needle.lower()
    return any(low in value.lower() for value in haystack)


def _sort_key(column: str, data: WatchData) -> Callable[[WatchRow], Any]:
    def key(row: WatchRow) -> Any:
        best = row.best
        trend = data.trends.get(row.product_id)
        value: Any = {
            "product": name_order(row.name),  # as the first screenful is read
            "best": best.in_hand_price if best else None,
            "per_unit": best.in_hand_per_unit if best else None,
            "change": best.change if best else None,
            "lowest": (trend.lowest_per_unit or trend.lowest) if trend else None,
        }.get(column)
        return (value is None, value if value is not None else 0)

    return key


FIRST_ROWS = 60  # more than a tall terminal shows
CHUNK_ROWS = 100  # small: keys are handled between chunks
_LATER_COLUMNS = ("product", "lowest", "trend", "forecast", "advice")


class WatchTable(DataTable[Any]):
    """The products, one per row, keyed by product id."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data = WatchData()
        self.now: datetime | None = None
        self.generation = 0  # bumps on every `show`; stale chunks see it and stop
        self.view: tuple[str, str, bool] = ("", "product", False)  # needle, sort, reverse
        self.shown: tuple[str, ...] = ()  # the columns on screen, in order
        self.fitted: list[tuple[str, str, int]] = []
        # The cells each column needs, over the rows of `data` measured so far (those
        # added to the table): widths grow with it and never shrink below a cell.
        self.measured: dict[str, int] = {}
        self.all_columns = False  # the toggle: every column, scrolled sideways

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True

    def on_resize(self) -> None:
        """A new width may fit more columns or fewer."""
        if self.now is not None and self._fit() != self.fitted:
            self.redraw()

    def toggle_all_columns(self) -> None:
        """Show every column (scrolled sideways), or only those that fit."""
        self.all_columns = not self.all_columns
        self.redraw()

    def redraw(self) -> None:
        """Show the same data again (after a resize or a toggle)."""
        needle, sort, reverse = self.view
        self.show(self.data, needle=needle, sort=sort, reverse=reverse, now=self.now)

    def _fit(self) -> list[tuple[str, str, int]]:
        room = WIDE_ROOM if self.all_columns else table_room(self)
        return fit_measured(columns(), self.measured, room)

    def show(
        self, data: WatchData, *, needle: str, sort: str, reverse: bool, now: datetime | None
    ) -> int:
        """Redraw with `data`, filtered by `needle` and sorted; returns the rows shown.

        The columns are fitted to the first screenful, and widened by each later chunk
        whose cells need more (a price further down is never cut): fitting every row
        before the first paint was a fifth of opening a 10,000-listing watchlist. New data
        is measured afresh; the same data keeps what was measured (a sort, a filter)."""
        keep = cursor_key(self)
        if data is not self.data:
            self.measured = {}
        self.data, self.now, self.view = data, now, (needle, sort, reverse)
        self.generation += 1
        rows = [r for r in data.rows if matches(r, needle)]
        rows.sort(key=_sort_key(sort, data), reverse=reverse)
        first = self._measured_cells(rows[:FIRST_ROWS])
        self.fitted = self._fit()
        self.shown = tuple(key for key, _, _ in self.fitted)
        self.clear(columns=True)
        add_fixed_columns(self, self.fitted)
        self._add_rows(rows[:FIRST_ROWS], first)
        self._after_chunk(self.generation, rows, FIRST_ROWS, keep)
        return len(rows)

    def _add_chunk(
        self, generation: int, rows: list[WatchRow], start: int, keep: str | None
    ) -> None:
        """Add the next chunk of rows after a refresh, so keys are handled in between; a
        chunk of an older `show` stops (its rows are no longer the ones shown)."""
        if generation != self.generation:
            return
        chunk = rows[start : start + CHUNK_ROWS]
        cells = self._measured_cells(chunk)
        if not self._refit():
            return  # drawn again from the first row, with what this chunk measured
        self._add_rows(chunk, cells)
        self._after_chunk(generation, rows, start + CHUNK_ROWS, keep)

    def _after_chunk(
        self, generation: int, rows: list[WatchRow], done: int, keep: str | None
    ) -> None:
        """Put the cursor back on its row once that row is in, and ask for the next chunk."""
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep))
            keep = None
        if done < len(rows):
            self.call_after_refresh(self._add_chunk, generation, rows, done, keep)

    def _measured_cells(self, rows: list[WatchRow]) -> list[list[Any]]:
        """Every cell of `rows`, measured into `self.measured`."""
        now = self.now or datetime.now().astimezone()
        cells = [self._cells(row, self.data, now) for row in rows]
        measure(columns(), cells, self.measured)
        return cells

    def _add_rows(self, rows: list[WatchRow], cells: list[list[Any]]) -> None:
        for row, values in zip(rows, cells, strict=True):
            by_column = dict(zip(COLUMNS, values, strict=True))
            self.add_row(*(by_column[c] for c in self.shown), key=str(row.product_id))

    def _refit(self) -> bool:
        """Fit the columns to what is measured now: the same columns change width in
        place; when a column must go (or may come back), the table is drawn again and
        this returns False."""
        fitted = self._fit()
        if fitted == self.fitted:
            return True
        if tuple(key for key, _, _ in fitted) != self.shown:
            self.redraw()
            return False
        for key, _, width in fitted:
            self.columns[ColumnKey(key)].width = width
        self.fitted = fitted
        self.refresh()
        return True

    def fill_later_columns(self, data: WatchData) -> None:
        """Write trends and forecasts into the rows already shown (rows added later read
        `data` themselves), widening the columns they need."""
        self._rewrite(data.rows, data, _LATER_COLUMNS)

    def update_rows(self, rows: list[WatchRow], data: WatchData) -> None:
        """Rewrite every cell of `rows` in place (they are already in the table)."""
        self._rewrite(rows, data, COLUMNS)

    def _rewrite(self, rows: list[WatchRow], data: WatchData, columns: tuple[str, ...]) -> None:
        self.data = data  # the same rows, newer values: what was measured still holds
        shown = [row for row in rows if str(row.product_id) in self.rows]  # not: filtered
        cells = self._measured_cells(shown)  # out, or in a chunk still to come
        if not self._refit():
            return
        for row, values in zip(shown, cells, strict=True):
            by_column = dict(zip(COLUMNS, values, strict=True))
            for column in columns:
                if column in self.shown:
                    self.update_cell(str(row.product_id), column, by_column[column])

    def _cells(self, row: WatchRow, data: WatchData, now: datetime) -> list[Any]:
        best = row.best
        trend = data.trends.get(row.product_id)
        mark = data.marks.get(row.product_id)
        name = safe_text(row.name, cells=40)
        if mark and mark.fake_discount:
            name = Text("⚠ ", style="bold yellow") + name  # first: a narrow column cuts the end
        currency = best.currency if best else "CNY"
        return [
            name,
            safe_text(_where(best), cells=30) if best else Text("-", style="dim"),
            Text(fmt.money(best.in_hand_price if best else None, currency), justify="right"),
            Text(
                fmt.per_unit(best.in_hand_per_unit if best else None, row.unit, currency),
                justify="right",
            ),
            fmt.change(best.change if best else None, currency),
            _lowest(row, trend, currency),
            sparkline([value for _, value in trend.daily]) if trend else Text("…", style="dim"),
            _forecast(mark),
            _advice(mark, best.price if best else None),
            _status(row, now),
        ]


def _where(best: Any) -> str:
    shop = f" · {best.shop}" if best.shop else ""
    return platform_name(best.platform) + shop


def _lowest(row: WatchRow, trend: Trend | None, currency: str | None) -> Text:
    if trend is None:
        return Text("…", style="dim")
    if trend.lowest_per_unit is not None and row.best and row.best.per_unit is not None:
        return Text(fmt.per_unit(trend.lowest_per_unit, row.unit, currency), justify="right")
    return Text(fmt.money(trend.lowest, currency), justify="right")


def _forecast(mark: ForecastMark | None) -> Text:
    if mark is None or mark.point is None:
        return Text("-", style="dim")
    return safe_text(f"{mark.event_date[5:]} {fmt.money(mark.point, mark.currency)}")


def _advice(mark: ForecastMark | None, price: Decimal | None) -> Text:
    """The forecast's advice; once the price has moved, with the price it was made for
    ("wait (at ¥3,326)"), since a decision about another price may no longer hold."""
    if mark is not None and mark.fake_discount:
        return Text("⚠ " + t("mark.fake_discount"), style="bold yellow")
    if mark is None or mark.advice not in ("buy", "wait"):
        return Text("-", style="dim")
    style = "green" if mark.advice == "buy" else "yellow"
    advice = t(f"advice.{mark.advice}")
    if mark.is_stale(price):
        made_for = fmt.money(mark.made_for, mark.currency)
        return Text(t("advice.at", advice=advice, price=made_for), style="dim " + style)
    text = Text(advice, style=style)
    if mark.expected_saving and mark.advice == "wait":
        text.append(f" -{fmt.money(mark.expected_saving, mark.currency)}", style="dim")
    return text


def _status(row: WatchRow, now: datetime) -> Text:
    status = row.status
    if status == "ok":
        checked = max((q.checked_at for q in row.listings if q.checked_at), default=None)
        return Text(fmt.ago(checked, now), style="dim")
    if status == "no_price":
        return safe_text(
            t("status.no_price", reason=reason_text(row.reason or "?")), "yellow", cells=60
        )
    if status == "out_of_stock":
        return Text(t("status.out_of_stock"), style="red")
    return Text(t("status.not_checked"), style="dim")
