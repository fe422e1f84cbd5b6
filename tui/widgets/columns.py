"""Fixed-width table columns.

A DataTable sizes auto-width columns lazily, when the app is next idle; a table redrawn
while other work is queued can paint a frame with columns as narrow as their headers.
Fixed widths (in terminal cells; cell text is truncated to fit) make every frame the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual.widgets import DataTable


def add_fixed_columns(table: DataTable[Any], columns: Sequence[tuple[str, str, int]]) -> None:
    """Add `(key, label, width)` columns to `table`."""
    for key, label, width in columns:
        table.add_column(label, key=key, width=width)
