"""Table columns fitted to the room a table has, and the row under a table's cursor.

A DataTable sizes auto-width columns lazily, when the app is next idle; a table redrawn
while other work is queued can paint a frame with columns as narrow as their headers.
So widths are chosen here, in terminal cells, from the cells themselves: a price or a
unit price is never cut (`¥1,7…`, `¥0.782/10`), and when the room runs out whole columns
go, the least important first (their values stay on the detail screen), instead of
every column losing its end. The room left over goes to the flexible columns (a name, a
status with its reason).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from rich.console import Console
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

PADDING = 2  # a DataTable pads every cell by one cell on each side
SCROLLBAR = 2  # room kept for the vertical scrollbar


@dataclass(frozen=True)
class Column:
    """A column of a fitted table.

    `rank` orders what is dropped first (higher goes first; rank 0 always stays). A fixed
    column (a price, a date) is always as wide as its widest cell: it is never cut. A
    `flexible` column (a name, a status with its reason) may be squeezed down to
    `narrowest`, but only after every column ranked below it is gone: it claims its
    content width up to `wanted` (default: `widest`), and grows into spare room up to
    `widest`. A `wrap` column's cells that are wider than the column take more lines
    instead of losing their end (a plan step, an order's discounts: every word counts).
    """

    key: str
    label: str
    narrowest: int
    widest: int
    rank: int = 0
    flexible: bool = False
    wanted: int | None = None
    wrap: bool = False


@dataclass(frozen=True)
class Either:
    """A cell with a shorter form for a narrow column (`天猫 · 立白官方旗舰店` or `天猫`):
    the long one is shown whenever it fits."""

    long: Any
    short: Any


def cells(value: Any) -> int:
    """How many terminal cells a cell value takes (its widest line; the long form's)."""
    if isinstance(value, Either):
        return cells(value.long)
    text = value if isinstance(value, Text) else Text(str(value))
    if "\n" not in text.plain:
        return text.cell_len  # one line: no need to split (most cells, and much faster)
    return max((line.cell_len for line in text.split(allow_blank=True)), default=0)


def measure(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], widest: dict[str, int] | None = None
) -> dict[str, int]:
    """The cells each column needs for its label and the given rows: `widest` (what was
    measured before, updated in place) grown to fit them. A table that adds its rows in
    chunks measures each chunk as it comes instead of every row before the first paint."""
    needed = widest if widest is not None else {}
    for column in columns:
        label = max(column.narrowest, Text(column.label).cell_len)
        needed[column.key] = max(needed.get(column.key, 0), label)
    for row in rows:
        for column, value in zip(columns, row, strict=False):
            width = cells(value)
            if width > needed[column.key]:
                needed[column.key] = width
    return needed


def fit_columns(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], room: int
) -> list[tuple[str, str, int]]:
    """`(key, label, width)` of the columns that fit in `room` cells, in their order."""
    return fit_measured(columns, measure(columns, rows), room)


def fit_measured(
    columns: Sequence[Column], measured: dict[str, int], room: int
) -> list[tuple[str, str, int]]:
    """`(key, label, width)` of the columns that fit in `room` cells, in their order,
    given the cells each needs (`measure`).

    1. Columns go by rank until the rest fit, flexible ones at their narrowest: the
       important columns stay, whatever the terminal.
    2. Each flexible column, most important first, claims its content width (up to
       `wanted`); when that does not fit, less important columns go to make room,
       before it is squeezed (a status keeps its reason where a sparkline can go).
    3. The room left goes to the flexible columns: up to their content, then `widest`.
    """
    header = {c.key: max(c.narrowest, Text(c.label).cell_len) for c in columns}
    needed = dict(measured)
    for column in columns:
        if column.flexible:
            needed[column.key] = min(needed[column.key], column.widest)
    widths = {c.key: header[c.key] if c.flexible else needed[c.key] for c in columns}
    kept = list(columns)
    _drop_until(kept, widths, room, below=0)
    for column in sorted((c for c in kept if c.flexible), key=lambda c: c.rank):
        if column not in kept:
            continue
        floor = widths[column.key]
        widths[column.key] = max(floor, min(needed[column.key], column.wanted or column.widest))
        _drop_until(kept, widths, room, below=column.rank)
        if _total(kept, widths) > room:
            widths[column.key] = floor  # nothing left to drop: squeezed, the spare decides
    _share_spare(kept, widths, needed, room)
    return [(c.key, c.label, widths[c.key]) for c in kept]


def _drop_until(kept: list[Column], widths: dict[str, int], room: int, below: int) -> None:
    """Drop the columns ranked after `below`, least important first, until `kept` fits."""
    for column in sorted(kept, key=lambda c: c.rank, reverse=True):
        if _total(kept, widths) <= room or column.rank <= below:
            return
        kept.remove(column)


def _total(columns: Sequence[Column], widths: dict[str, int]) -> int:
    return sum(widths[c.key] + PADDING for c in columns)


def _share_spare(
    columns: Sequence[Column], widths: dict[str, int], needed: dict[str, int], room: int
) -> None:
    """Give the room left to the flexible columns: first up to what their cells need, the
    most important first (a whole name before a whole shop), then one cell at a time in
    turn up to their widest."""
    flexible = sorted((c for c in columns if c.flexible), key=lambda c: c.rank)
    spare = room - _total(columns, widths)
    for column in flexible:
        grow = max(0, min(spare, needed[column.key] - widths[column.key]))
        widths[column.key] += grow
        spare -= grow
    growing = True
    while spare > 0 and growing:
        growing = False
        for column in flexible:
            if spare > 0 and widths[column.key] < column.widest:
                widths[column.key] += 1
                spare -= 1
                growing = True


def cells_lines(value: Any) -> int:
    """How many lines a cell value takes."""
    text = value if isinstance(value, Text) else Text(str(value))
    return max(1, len(text.split(allow_blank=True)))


def _fitted(value: Any, width: int, wrap: bool) -> Any:
    """`value` in a column `width` cells wide: the long form of an `Either` when it fits,
    else its short form; folded into lines (at spaces where it can, else anywhere:
    Chinese has no spaces) when the column wraps and it is still too wide."""
    if isinstance(value, Either):
        value = value.long if cells(value.long) <= width else value.short
    if not wrap or cells(value) <= width:
        return value
    text = value if isinstance(value, Text) else Text(str(value))
    lines = text.wrap(_measure(), width, overflow="fold")
    return Text("\n").join(lines)


@cache
def _measure() -> Console:
    """A console that only measures text for folding: it never prints."""
    return Console(width=1000, color_system=None)


def add_fixed_columns(table: DataTable[Any], columns: Sequence[tuple[str, str, int]]) -> None:
    """Add `(key, label, width)` columns to `table`."""
    for key, label, width in columns:
        table.add_column(label, key=key, width=width)


class FittedTable(DataTable[Any]):
    """A table whose columns are fitted to its width again whenever it is resized.

    `show` takes every row at once (the tables of a plan, an inbox: tens of rows), keeps
    them, and draws the columns that fit; a resize that changes the fit draws again.
    """

    def __init__(self, columns: Sequence[Column] = (), *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.layout_columns: Sequence[Column] = columns
        self.fitted: list[tuple[str, str, int]] = []
        self._rows: list[tuple[Sequence[Any], str | None]] = []

    def show(self, rows: Sequence[Sequence[Any]], keys: Sequence[str | None] | None = None) -> None:
        """Draw `rows` (one value per column of `layout_columns`), keyed by `keys`."""
        row_keys = list(keys) if keys is not None else [None] * len(rows)
        self._rows = list(zip(rows, row_keys, strict=True))
        self._draw()

    def on_resize(self) -> None:
        if self._rows and self._fit() != self.fitted:
            self._draw()

    def _fit(self) -> list[tuple[str, str, int]]:
        return fit_columns(self.layout_columns, [r for r, _ in self._rows], table_room(self))

    def _draw(self) -> None:
        keep = self.cursor_row
        self.fitted = self._fit()
        order = [c.key for c in self.layout_columns]
        shown = [order.index(key) for key, _, _ in self.fitted]
        wraps = {c.key: c.wrap for c in self.layout_columns}
        widths = [(width, wraps[key]) for key, _, width in self.fitted]
        self.clear(columns=True)
        add_fixed_columns(self, self.fitted)
        for row, key in self._rows:
            values = [_fitted(row[i], *fit) for i, fit in zip(shown, widths, strict=True)]
            height = max(cells_lines(value) for value in values) if values else 1
            self.add_row(*values, key=key, height=height)
        if self.row_count:
            self.move_cursor(row=min(max(keep, 0), self.row_count - 1))


def table_room(table: DataTable[Any]) -> int:
    """The cells a table's columns can use (its width less the scrollbar)."""
    return max(table.size.width - SCROLLBAR, 20)


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor; None for an empty table."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except CellDoesNotExist:  # the cursor may point past a just-cleared table
        return None
