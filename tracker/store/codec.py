"""How daoshou's column types store their values, as plain functions without SQLAlchemy.

The table types (`tracker.store.tables`) encode and decode through these, and so does the
standard-library reader (`tracker.store.sqlite_reader`), so the two can never read a stored
price or time differently. Importing this costs nothing: no SQLAlchemy, no pydantic.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

_SCALE = Decimal(10000)
_CENT = Decimal("0.01")


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


def amount_to_stored(value: Any) -> int | None:
    """A Decimal as the BIGINT count of 1/10000 units it is stored as (None stays None)."""
    if value is None:
        return None
    scaled = Decimal(value) * _SCALE
    if scaled != scaled.to_integral_value():
        raise ValueError(f"amount {value} has more than 4 decimal places")
    return int(scaled)


def amount_from_stored(value: Any) -> Decimal | None:
    """The Decimal a stored count of 1/10000 units stands for, to the cent when exact."""
    if value is None:
        return None
    exact = Decimal(int(value)) / _SCALE
    cents = exact.quantize(_CENT)
    return cents if cents == exact else exact.normalize()


def utc_to_stored(value: datetime | None) -> datetime | None:
    """A timezone-aware time in UTC; naive values are refused rather than guessed."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("naive datetime: store timezone-aware UTC times")
    return value.astimezone(UTC)


_SQLITE_TIME_LENGTH = len("2026-11-11 00:00:00.000000")


def utc_from_stored(value: datetime | None) -> datetime | None:
    """A stored time as timezone-aware UTC (SQLite keeps it naive, in UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_from_sqlite_text(value: str | None) -> datetime | None:
    """A time as SQLite holds it (ISO text, naive UTC) as timezone-aware UTC.

    The text SQLAlchemy writes ("YYYY-MM-DD HH:MM:SS.ffffff", 26 characters) is read with
    a UTC offset appended, in one C call: `daoshou list` decodes two or three times per
    listing, and parsing then replacing the zone cost several times as much. Any other
    text goes the general way."""
    if value is None:
        return None
    if len(value) == _SQLITE_TIME_LENGTH:
        with contextlib.suppress(ValueError):  # the length, but a zone of its own ("...Z")
            return datetime.fromisoformat(value + "+00:00")
    return utc_from_stored(datetime.fromisoformat(value))


def utc_to_sqlite_text(value: datetime) -> str:
    """A timezone-aware time as SQLite holds it (naive UTC ISO text, to the microsecond, as
    SQLAlchemy's SQLite dialect writes it), so that comparing it with a stored time in SQL
    orders as the times do."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: compare with timezone-aware UTC times")
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def json_list_to_stored(value: Any) -> str | None:
    """A tuple of JSON-able values as the JSON text stored (empty: NULL)."""
    if not value:
        return None
    return json.dumps(list(value), ensure_ascii=False, sort_keys=True)


def json_list_from_stored(value: Any) -> tuple[Any, ...]:
    """Stored JSON text as a tuple (NULL reads back as empty)."""
    return tuple(json.loads(value)) if value else ()
