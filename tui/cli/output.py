"""How the command line prints data: JSON for scripts, plain text tables for people.

`--json` output is one JSON document on stdout: Decimals as strings (never floats),
datetimes in ISO 8601 with their offset, dataclasses as objects. Text output never goes
through Rich markup, so scraped titles print literally.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import shutil
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.display import display_text

_PLAIN = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def to_jsonable(value: Any) -> Any:
    """Convert daoshou's values (Decimal, datetime, dataclasses...) to JSON-ready ones.

    Called once per value: `daoshou list --json` at 10,000 listings converts ~300,000,
    so plain values return first and a dataclass's field names are looked up once."""
    if isinstance(value, enum.Enum):  # before plain values: a str or int enum is one too
        return value.value
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: to_jsonable(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return value


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def print_json(value: Any) -> None:
    """Print one JSON document on stdout, in one write (`json.dump` writes each token)."""
    sys.stdout.write(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2) + "\n")


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], *, fold: Sequence[int] = ()
) -> None:
    """Print a plain, aligned text table (no markup, no colours).

    The columns numbered in `fold` (names, steps, discounts) fold onto more lines when
    the table is wider than the terminal (80 columns when it is not a terminal), the
    widest first, so no one scrolls sideways to read an amount; the others never fold.
    """
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    _narrow(widths, fold, shutil.get_terminal_size((80, 24)).columns)
    lines = [list(headers), ["-" * w for w in widths]]
    for row in cells:
        pairs = enumerate(zip(row, widths, strict=True))
        folded = [_fold(c, w) if i in fold else [c] for i, (c, w) in pairs]
        height = max(len(parts) for parts in folded)
        lines += [[p[n] if n < len(p) else "" for p in folded] for n in range(height)]
    for line in lines:
        sys.stdout.write("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip())
        sys.stdout.write("\n")


_NARROWEST_FOLD = 12  # a folded column keeps at least this many cells


def _narrow(widths: list[int], fold: Sequence[int], room: int) -> None:
    """Take cells from the widest foldable column, one at a time, until the table fits
    in `room` (two spaces between columns) or every foldable one is at its narrowest."""
    while sum(widths) + 2 * (len(widths) - 1) > room:
        candidates = [i for i in fold if widths[i] > _NARROWEST_FOLD]
        if not candidates:
            return
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1


def _fold(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` display cells: at spaces where it can, else
    anywhere (Chinese has no spaces between words)."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        joined = f"{line} {word}" if line else word
        if _width(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        line = ""
        for ch in word:
            if _width(line + ch) > width:
                lines.append(line)
                line = ""
            line += ch
    return [*lines, line] if line or not lines else lines


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return display_text(to_jsonable(value))


def _width(text: str) -> int:
    """Display width: CJK characters take two terminal columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
