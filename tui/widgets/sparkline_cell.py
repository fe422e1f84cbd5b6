"""A sparkline small enough for a table cell: eight block heights, one per bucket of days.

Textual's `Sparkline` is a widget, and a thousand widgets in a table would be slow; a
`Text` of block characters costs nothing and the DataTable draws it like any other cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.text import Text

_BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[Decimal], width: int = 12) -> Text:
    """`values` (oldest first) bucketed into `width` cells, each showing the bucket minimum.

    The minimum, not the mean, because a sale-day dip is exactly what the shopper looks for.
    The last cell is green when the latest price is the lowest of the series.
    """
    if not values:
        return Text("-", style="dim")
    size = max(1, -(-len(values) // width))
    buckets = [min(values[i : i + size]) for i in range(0, len(values), size)]
    low, high = min(buckets), max(buckets)
    span = high - low
    text = Text(end="")
    for value in buckets:
        level = 0 if span == 0 else int((value - low) / span * (len(_BLOCKS) - 1))
        text.append(_BLOCKS[level])
    if values[-1] == min(values) and span:
        text.stylize("green", len(text) - 1)
    return text
