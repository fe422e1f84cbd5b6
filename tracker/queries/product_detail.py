"""The Product screen's read-model: one product's listings, daily history, alert rules and
purchases with their price-protection deadlines, read in a few queries.

History is reduced to one price per listing per day (the day's last), which is what a
chart and the forecaster need, so a listing checked every minute for two years still
yields ~730 points.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from planner.forecast.calendar import load_calendar
from tracker.alerts.protection import claim_deadline
from tracker.errors import NotFoundError
from tracker.queries.watchlist import (
    ForecastMark,
    ListingQuote,
    WatchRow,
    forecast_marks,
    load_watchlist,
)
from tracker.store.tables import AlertRule, Listing, Observation, Purchase, table_of

_O = table_of(Observation)
_L = table_of(Listing)
_R = table_of(AlertRule)
_B = table_of(Purchase)


@dataclass(frozen=True)
class RuleView:
    """An alert rule as shown: kind, parameters, whether it is armed."""

    rule_id: int
    kind: str
    params: dict[str, Any]
    listing_id: int | None
    armed: bool
    active: bool


@dataclass(frozen=True)
class PurchaseView:
    """A purchase and the last day a price drop can still be claimed (价保)."""

    purchase_id: int
    listing_id: int
    platform: str
    price: Decimal
    currency: str
    quantity: int
    bought_at: datetime
    protect_until: date | None


@dataclass(frozen=True)
class ProductDetails:
    """Everything the Product screen shows."""

    row: WatchRow
    history: dict[int, tuple[tuple[date, Decimal], ...]]  # listing id -> daily prices
    rules: tuple[RuleView, ...]
    purchases: tuple[PurchaseView, ...]
    forecasts: tuple[ForecastMark, ...]  # each listing's next stored sale forecast

    def quote(self, listing_id: int) -> ListingQuote:
        """The listing's latest state."""
        return next(q for q in self.row.listings if q.listing_id == listing_id)


def load_product(engine: sa.Engine, product_id: int, today: date) -> ProductDetails:
    """The product's details, paused listings included; NotFoundError if it does not exist
    or is archived."""
    rows = load_watchlist(engine, [product_id], paused=True)
    if not rows:
        raise NotFoundError(f"no product with id {product_id}", "pick one from the watchlist")
    row = rows[0]
    listing_ids = [q.listing_id for q in row.listings]
    platforms = {q.listing_id: q.platform for q in row.listings}
    with engine.connect() as conn:
        history = _daily_history(conn, listing_ids)
        rules = tuple(
            RuleView(r.id, r.kind, dict(r.params or {}), r.listing_id, r.armed, r.active)
            for r in conn.execute(
                sa.select(_R)
                .where(sa.or_(_R.c.product_id == product_id, _R.c.listing_id.in_(listing_ids)))
                .order_by(_R.c.id)
            )
        )
        purchases = tuple(
            PurchaseView(
                p.id,
                p.listing_id,
                platforms.get(p.listing_id, "web"),
                p.price,
                p.currency,
                p.quantity,
                p.bought_at,
                claim_deadline(p.bought_at.date(), platforms.get(p.listing_id, "web")),
            )
            for p in conn.execute(
                sa.select(_B)
                .where(_B.c.listing_id.in_(listing_ids))
                .order_by(_B.c.bought_at.desc())
            )
        )
        forecasts = tuple(forecast_marks(conn, today, listing_ids).values())
    return ProductDetails(row, history, rules, purchases, forecasts)


def _daily_history(
    conn: sa.Connection, listing_ids: list[int]
) -> dict[int, tuple[tuple[date, Decimal], ...]]:
    daily: dict[int, dict[date, Decimal]] = defaultdict(dict)
    query = (
        sa.select(_O.c.listing_id, _O.c.observed_at, _O.c.price)
        .where(_O.c.listing_id.in_(listing_ids), _O.c.price.is_not(None))
        .order_by(_O.c.listing_id, _O.c.observed_at)
    )
    for listing_id, observed_at, price in conn.execute(query):
        daily[listing_id][observed_at.date()] = price
    return {lid: tuple(sorted(daily[lid].items())) for lid in listing_ids}


def sale_days(platforms: set[str], start: date, end: date) -> list[tuple[date, str, str]]:
    """(day, Chinese name, English name) of the big sales on these platforms in [start, end].

    The monthly "double days" (1.1, 2.2, ...) are left out: marked on a two-year chart they
    would hide the sales that matter.
    """
    calendar = load_calendar()
    seen: dict[date, tuple[date, str, str]] = {}
    for platform in sorted(platforms):
        for occ in calendar.occurrences(platform, start=start, end=end):
            if occ.family != "double-day":
                seen.setdefault(occ.day, (occ.day, occ.name_zh, occ.name_en))
    return [seen[d] for d in sorted(seen)]
