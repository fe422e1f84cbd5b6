"""The values the repository hands out and takes in: frozen, plain, safe to keep.

Callers (the CLI, the terminal app, the scheduler) never hold a live ORM row: a row read
in one session and used after it closed either raises or silently reloads. These
dataclasses are snapshots; building one from a row happens only in `tracker.store.repository`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from tracker.store.codec import utcnow

if TYPE_CHECKING:  # importing neither keeps the standard-library reader light
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    from tracker.store.tables import (
        FetchAttempt,
        Listing,
        Observation,
        ObservationDaily,
        Product,
    )

_View = TypeVar("_View")


def _snapshot(cls: type[_View], row: SQLModel | sa.Row[Any], **extra: Any) -> _View:
    """Copy the row's attributes named like the view's fields (plus `extra`) into a view;
    `row` is an ORM instance or a plain row of the table's columns (a core read, read as
    one mapping: `daoshou list` snapshots three rows per listing)."""
    assert getattr(row, "id", None) is not None, "snapshot of a row that was never flushed"
    names = [name for name in field_names(cls) if name not in extra]
    if _is_plain(row):
        values = row._asdict()  # type: ignore[union-attr]
        return cls(**{name: values[name] for name in names}, **extra)
    return cls(**{name: getattr(row, name) for name in names}, **extra)


def _is_plain(row: object) -> bool:
    """Whether `row` is a plain row (SQLAlchemy's `Row`) rather than an ORM instance."""
    return hasattr(row, "_asdict")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: Any) -> tuple[str, ...]:
    """A view's field names, in order (looked up once per class)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass(frozen=True)
class ProductView:
    """A product the user wants, measured in `unit`."""

    id: int
    name: str
    unit: str
    category: str | None
    archived: bool
    created_at: datetime

    @classmethod
    def of(cls, row: Product) -> ProductView:
        """Snapshot a product row."""
        return _snapshot(cls, row)


@dataclass(frozen=True)
class ListingView:
    """One offer of a product, with the product's name and unit for display."""

    id: int
    product_id: int
    product_name: str
    unit: str
    platform: str
    shop: str | None
    url: str
    sku: str | None
    pack: str | None
    per_pack: Decimal | None
    check_interval_minutes: int | None
    use_browser: bool
    active: bool
    created_at: datetime

    @classmethod
    def of(cls, row: Listing, product: Product) -> ListingView:
        """Snapshot a listing row and its product."""
        return _snapshot(cls, row, product_name=product.name, unit=product.unit)

    @classmethod
    def of_joined(cls, row: sa.Row[Any]) -> ListingView:
        """Snapshot a plain row of the listing's columns with `product_name` and `unit`."""
        return _snapshot(cls, row)


@dataclass(frozen=True)
class ObservationView:
    """One recorded check: a price with its currency, or no price and the reason."""

    id: int
    listing_id: int
    observed_at: datetime
    price: Decimal | None
    list_price: Decimal | None
    currency: str | None
    in_stock: bool | None
    is_from_price: bool
    title: str | None
    source: str | None
    reason: str | None
    promotions: tuple[dict[str, Any], ...] = ()
    in_hand: Decimal | None = None

    @classmethod
    def of(cls, row: Observation | sa.Row[Any]) -> ObservationView:
        """Snapshot an observation row."""
        return _snapshot(cls, row)


@dataclass(frozen=True)
class DailyView:
    """One UTC day of a listing's comparable prices in one currency."""

    listing_id: int
    day: str  # YYYY-MM-DD
    currency: str  # "" when the prices were stored without one (imported history)
    first_price: Decimal
    last_price: Decimal
    min_price: Decimal
    max_price: Decimal
    count: int
    first_at: datetime
    last_at: datetime

    @classmethod
    def of(cls, row: ObservationDaily | sa.Row[Any]) -> DailyView:
        """Snapshot a roll-up row (an ORM instance or a plain row of its columns)."""
        if _is_plain(row):
            values = row._asdict()  # type: ignore[union-attr]
            return cls(**{name: values[name] for name in field_names(cls)})
        return cls(**{name: getattr(row, name) for name in field_names(cls)})


@dataclass(frozen=True)
class FetchAttemptView:
    """One attempt to fetch a listing's page."""

    id: int
    listing_id: int
    started_at: datetime
    duration_ms: int
    status: str
    http_status: int | None
    error: str | None
    bytes_received: int

    @classmethod
    def of(cls, row: FetchAttempt | sa.Row[Any]) -> FetchAttemptView:
        """Snapshot a fetch attempt row."""
        return _snapshot(cls, row)


@dataclass(frozen=True)
class ListingStatus:
    """A listing with its latest observation and latest fetch (None before the first)."""

    listing: ListingView
    latest: ObservationView | None
    last_attempt: FetchAttemptView | None = None

    @classmethod
    def of_flat(
        cls, row: Sequence[Any], decoders: Sequence[Sequence[Decoding]] = ((), (), ())
    ) -> ListingStatus:
        """A status from one flat row: the fields of each of `STATUS_PARTS` in order (a
        part whose id is NULL is None). `decoders` hold, per part, (position, decode,
        NULL value) of fields still to decode. Positional, so `daoshou list` at 10,000
        listings builds no dictionaries."""
        parts: list[Any] = [
            None if row[start] is None else view(*decoded(list(row[start:stop]), decoding))
            for (view, start, stop), decoding in zip(_STATUS_SPANS, decoders, strict=True)
        ]  # a part whose id is None: no such observation or attempt yet
        return cls(*parts)


def decoded(values: list[Any], decoding: Sequence[Decoding]) -> list[Any]:
    """`values` (a row's fields, in a view's order) with the fields `decoding` names
    decoded in place: a NULL becomes that field's empty value."""
    for position, decode, null in decoding:
        value = values[position]
        values[position] = null if value is None else decode(value)
    return values


#: What a flat status row holds, in order: the listing (with its product's name and
#: unit), its latest observation and its latest fetch attempt.
STATUS_PARTS: tuple[type, ...] = (ListingView, ObservationView, FetchAttemptView)
#: (part, first position, position past its last) of each part of a flat status row.
_STATUS_SPANS: tuple[tuple[type, int, int], ...] = tuple(
    (
        view,
        sum(len(fields(v)) for v in STATUS_PARTS[:n]),
        sum(len(fields(v)) for v in STATUS_PARTS[: n + 1]),
    )
    for n, view in enumerate(STATUS_PARTS)
)
#: Which copy of the latest row of each part the summary keeps, and under what prefix.
_SUMMARY_COPIES: dict[type, tuple[str, str]] = {
    ObservationView: ("last", "observed_at"),
    FetchAttemptView: ("attempt", "started_at"),
}


def summary_column(view: type, name: str) -> str:
    """The `listingsummary` column that holds field `name` of a listing's latest
    observation (`view` ObservationView) or fetch attempt (FetchAttemptView): the field
    under the part's prefix (`last_price`, `attempt_status`), its time as `<prefix>_at`,
    and the listing's id as the summary's own key. One rule for the store's writer and
    both of its readers."""
    if name == "listing_id":
        return name
    prefix, time = _SUMMARY_COPIES[view]
    return f"{prefix}_at" if name == time else f"{prefix}_{name}"


#: (position, decode, value of NULL) of one field of a flat row.
Decoding = tuple[int, Callable[[Any], Any], Any]


@dataclass(frozen=True)
class NewObservation:
    """What a check (or an import) found, before it is stored."""

    price: Decimal | None
    currency: str | None
    list_price: Decimal | None = None
    in_stock: bool | None = None
    is_from_price: bool = False
    title: str | None = None
    source: str | None = None
    reason: str | None = None
    observed_at: datetime = field(default_factory=utcnow)
    promotions: tuple[dict[str, Any], ...] = ()
    in_hand: Decimal | None = None


@dataclass(frozen=True)
class NewFetchAttempt:
    """How fetching went, before it is stored (status values: see `FetchAttempt`)."""

    status: str
    http_status: int | None = None
    error: str | None = None
    duration_ms: int = 0
    bytes_received: int = 0
    started_at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True)
class Validators:
    """ETag / Last-Modified of the response an observation was extracted from."""

    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class NextCheck:
    """What a stored check does to its listing's schedule, in the same transaction: the
    next check time, and the check lease to clear (its owner), if the checker held one."""

    at: datetime
    lease_owner: str | None = None
