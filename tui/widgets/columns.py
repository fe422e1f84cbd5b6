"""Fixed-width table columns, and the row under a table's cursor.

A DataTable sizes auto-width columns lazily, when the app is next idle; a table redrawn
while other work is queued can paint a frame with columns as narrow as their headers.
Fixed widths (in terminal cells; cell text is truncated to fit) make every frame the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist


def add_fixed_columns(table: DataTable[Any], columns: Sequence[tuple[str, str, int]]) -> None:
    """Add `(key, label, width)` columns to `table`."""
    for key, label, width in columns:
        table.add_column(label, key=key, width=width)


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor; None for an empty table."""
    if not table.row_count:
        return None
    try:
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    except CellDoesNotExist:  # the cursor may point past a just-cleared table
        return None
