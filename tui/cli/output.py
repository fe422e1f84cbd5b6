"""How the command line prints data: JSON for scripts, plain text tables for people.

`--json` output is one JSON document on stdout: Decimals as strings (never floats),
datetimes in ISO 8601 with their offset, dataclasses as objects. Text output never goes
through Rich markup, so scraped titles print literally.
"""

from __future__ import annotations

import dataclasses
import enum
import json
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


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print a plain, aligned text table (no markup, no colours)."""
    cells = [[_cell(c) for c in row] for row in rows]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = [headers, ["-" * w for w in widths], *cells]
    for line in lines:
        sys.stdout.write("  ".join(_pad(c, w) for c, w in zip(line, widths, strict=True)).rstrip())
        sys.stdout.write("\n")


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
