"""The price history questions alert rules ask, answered by small indexed queries.

Every question is asked *as of* one observation and excludes it, so a rule compares the
new price with what was known before it. Only comparable prices count: a real price (not
"no price"), not a from/range price (it is not the price of one variant), in the same
currency. Imported history (`source == "import"`) came from elsewhere and is only used
for "lowest ever"; every other comparison is against prices daoshou recorded itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session

from tracker.store.tables import Observation, table_of

IMPORT_SOURCE = "import"
_O = table_of(Observation)


@dataclass(frozen=True)
class PricePoint:
    """One comparable recorded price."""

    observation_id: int
    price: Decimal
    observed_at: datetime


def _comparable(
    listing_ids: Sequence[int], before: Observation, *, imported: bool = False
) -> list[sa.ColumnElement[bool]]:
    return [
        _O.c.source == IMPORT_SOURCE if imported else _tracked(),
        _O.c.listing_id.in_(list(listing_ids)),
        _O.c.id != before.id,
        _O.c.observed_at <= before.observed_at,
        _O.c.price.is_not(None),
        _O.c.is_from_price.is_(False),
        _O.c.currency == before.currency,
    ]


def _price_of(in_hand: bool) -> sa.ColumnElement[Decimal]:
    """The price a question compares: the sticker price, or the in-hand price of one unit
    bought alone (an observation without one is not comparable for it)."""
    return _O.c.in_hand if in_hand else _O.c.price


def previous_price(
    session: Session, before: Observation, *, in_hand: bool = False
) -> PricePoint | None:
    """The last comparable price (or in-hand price) of `before`'s listing before it."""
    price = _price_of(in_hand)
    query = (
        sa.select(_O.c.id, price.label("price"), _O.c.observed_at)
        .where(*_comparable([before.listing_id], before), price.is_not(None))
        .order_by(_O.c.observed_at.desc(), _O.c.id.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return PricePoint(row.id, row.price, row.observed_at) if row else None


def last_price_above(
    session: Session, before: Observation, level: Decimal, *, in_hand: bool = False
) -> int:
    """The id of the last observation priced above `level` before `before`, else 0.

    A target rule's crossing is identified by this id: the price must climb back above
    the re-arm level (a new such observation) before the same rule can fire again. An
    in-hand rule asks of the in-hand price: asked of the sticker price, every check of a
    listing whose coupon keeps it below target would be a new crossing.
    """
    query = (
        sa.select(_O.c.id)
        .where(*_comparable([before.listing_id], before), _price_of(in_hand) > level)
        .order_by(_O.c.observed_at.desc(), _O.c.id.desc())
        .limit(1)
    )
    return session.execute(query).scalar() or 0


def prices_between(session: Session, before: Observation, since: datetime) -> list[Decimal]:
    """Tracked comparable prices of `before`'s listing observed from `since` up to `before`."""
    query = sa.select(_O.c.price).where(
        *_comparable([before.listing_id], before), _O.c.observed_at >= since
    )
    return [row.price for row in session.execute(query)]


def median_before(
    session: Session, before: Observation, days: int, minimum_points: int
) -> Decimal | None:
    """The median comparable price over `days` before `before`; None with too few points."""
    prices = prices_between(session, before, before.observed_at - timedelta(days=days))
    if len(prices) < minimum_points:
        return None
    prices.sort()
    middle = len(prices) // 2
    if len(prices) % 2:
        return prices[middle]
    return (prices[middle - 1] + prices[middle]) / 2


def lowest_before(
    session: Session, listing_ids: Sequence[int], before: Observation, *, imported: bool
) -> Decimal | None:
    """The lowest comparable price before `before`: tracked history, or imported history."""
    query = sa.select(sa.func.min(_O.c.price)).where(
        *_comparable(listing_ids, before, imported=imported)
    )
    return session.execute(query).scalar()


def previous_stock(session: Session, before: Observation) -> tuple[int, bool] | None:
    """The id and stock state of the last observation before `before` that knew its stock."""
    query = (
        sa.select(_O.c.id, _O.c.in_stock)
        .where(
            _O.c.listing_id == before.listing_id,
            _O.c.id != before.id,
            _O.c.observed_at <= before.observed_at,
            _O.c.in_stock.is_not(None),
            _tracked(),
        )
        .order_by(_O.c.observed_at.desc(), _O.c.id.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    return (row.id, bool(row.in_stock)) if row else None


def _tracked() -> sa.ColumnElement[bool]:
    return sa.or_(_O.c.source.is_(None), _O.c.source != IMPORT_SOURCE)
