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
from typing import Any

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist

PADDING = 2  # a DataTable pads every cell by one cell on each side
SCROLLBAR = 2  # room kept for the vertical scrollbar


@dataclass(frozen=True)
class Column:
    """A column: `rank` orders what is dropped first (higher goes first); a `flexible`
    column takes the spare room up to `widest`."""

    key: str
    label: str
    narrowest: int
    widest: int
    rank: int = 0
    flexible: bool = False


def cells(value: Any) -> int:
    """How many terminal cells a cell value takes."""
    return value.cell_len if isinstance(value, Text) else Text(str(value)).cell_len


def fit_columns(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], room: int
) -> list[tuple[str, str, int]]:
    """`(key, label, width)` of the columns that fit in `room` cells, in their order.

    A column is as wide as its header and its widest cell (within its bounds); columns
    are dropped by rank until the rest fit; flexible columns then share what is left.
    """
    needed = {c.key: max(c.narrowest, Text(c.label).cell_len) for c in columns}
    for row in rows:
        for column, value in zip(columns, row, strict=False):
            needed[column.key] = max(needed[column.key], min(cells(value), column.widest))
    # Flexible columns count at their narrowest while deciding what fits.
    base = {
        c.key: max(c.narrowest, Text(c.label).cell_len) if c.flexible else needed[c.key]
        for c in columns
    }
    kept = list(columns)
    for column in sorted(columns, key=lambda c: c.rank, reverse=True):
        if _total(kept, base) <= room:
            break
        if column.rank > 0:
            kept.remove(column)
    widths = {c.key: base[c.key] for c in kept}
    _share_spare(kept, widths, needed, room)
    return [(c.key, c.label, widths[c.key]) for c in kept]


def _total(columns: Sequence[Column], widths: dict[str, int]) -> int:
    return sum(widths[c.key] + PADDING for c in columns)


def _share_spare(
    columns: Sequence[Column], widths: dict[str, int], needed: dict[str, int], room: int
) -> None:
    """Give the room left to the flexible columns one cell at a time, in turn: first up to
    what their cells need (so a status keeps its reason), then up to their widest."""
    flexible = [c for c in columns if c.flexible]
    spare = room - _total(columns, widths)
    for limit in (lambda c: needed[c.key], lambda c: c.widest):
        growing = True
        while spare > 0 and growing:
            growing = False
            for column in flexible:
                if spare > 0 and widths[column.key] < limit(column):
                    widths[column.key] += 1
                    spare -= 1
                    growing = True


def add_fixed_columns(table: DataTable[Any], columns: Sequence[tuple[str, str, int]]) -> None:
    """Add `(key, label, width)` columns to `table`."""
    for key, label, width in columns:
        table.add_column(label, key=key, width=width)


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
