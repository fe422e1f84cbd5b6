"""The Product screen's read-model: one product's listings, daily history, alert rules and
purchases with their price-protection deadlines, read in a few queries.

History is one price per listing per day (the day's last, read from the daily roll-up),
which is what a chart needs, so a listing checked every minute for two years still yields
~730 points read from ~730 rows. The roll-up keeps no in-hand price, so the in-hand series
beside it is read from the observations themselves, over the last `IN_HAND_DAYS` only and
at most `IN_HAND_ROWS` rows (the newest), which bounds the query however often a listing
is checked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from planner.forecast.calendar import load_calendar
from tracker.alerts.protection import claim_deadline
from tracker.errors import NotFoundError
from tracker.extract.promotions import describe
from tracker.queries.watch_rows import ForecastMark, ListingQuote, WatchRow
from tracker.queries.watchlist import forecast_marks, load_watchlist
from tracker.store.tables import (
    AlertRule,
    Listing,
    Observation,
    ObservationDaily,
    Purchase,
    table_of,
)

_D = table_of(ObservationDaily)
_O = table_of(Observation)
_L = table_of(Listing)
_R = table_of(AlertRule)
_B = table_of(Purchase)
IN_HAND_DAYS = 180
IN_HAND_ROWS = 20_000


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
    # listing id -> the latest observation's in-hand price and promotions, as recorded
    offers: dict[int, RecordedOffer] = field(default_factory=dict)
    # listing id -> daily in-hand prices (the day's last) over the last IN_HAND_DAYS
    in_hand: dict[int, tuple[tuple[date, Decimal], ...]] = field(default_factory=dict)

    def quote(self, listing_id: int) -> ListingQuote:
        """The listing's latest state."""
        return next(q for q in self.row.listings if q.listing_id == listing_id)


@dataclass(frozen=True)
class RecordedOffer:
    """What a listing's latest observation recorded beside the price."""

    in_hand: Decimal | None
    promotions: tuple[str, ...]  # one line each (`tracker.extract.promotions.describe`)


def load_product(engine: sa.Engine, product_id: int, today: date) -> ProductDetails:
    """The product's details, paused listings included; NotFoundError if it does not exist
    or is archived."""
    rows = load_watchlist(engine, [product_id], paused=True)
    if not rows:
        raise NotFoundError(
            f"no product with id {product_id}",
            "pick one from the watchlist",
            zh=(f"没有编号为 {product_id} 的商品", "从关注列表中选一个"),
        )
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
        offers = _recorded_offers(conn, listing_ids)
        in_hand = _daily_in_hand(conn, listing_ids, today - timedelta(days=IN_HAND_DAYS))
    return ProductDetails(row, history, rules, purchases, forecasts, offers, in_hand)


def _recorded_offers(conn: sa.Connection, listing_ids: list[int]) -> dict[int, RecordedOffer]:
    """Each listing's latest observation's in-hand price and promotions."""
    newest = (
        sa.select(sa.func.max(_O.c.id))
        .where(_O.c.listing_id.in_(listing_ids))
        .group_by(_O.c.listing_id)
    )
    query = sa.select(_O.c.listing_id, _O.c.in_hand, _O.c.promotions).where(_O.c.id.in_(newest))
    return {
        listing_id: RecordedOffer(in_hand, tuple(describe(p) for p in promotions))
        for listing_id, in_hand, promotions in conn.execute(query)
    }


def _daily_history(
    conn: sa.Connection, listing_ids: list[int]
) -> dict[int, tuple[tuple[date, Decimal], ...]]:
    daily: dict[int, dict[date, Decimal]] = defaultdict(dict)
    query = (
        sa.select(_D.c.listing_id, _D.c.day, _D.c.last_price)
        .where(_D.c.listing_id.in_(listing_ids))
        .order_by(_D.c.listing_id, _D.c.day, _D.c.last_at)
    )
    for listing_id, day, price in conn.execute(query):
        daily[listing_id][date.fromisoformat(day)] = price
    return {lid: tuple(sorted(daily[lid].items())) for lid in listing_ids}


def _daily_in_hand(
    conn: sa.Connection, listing_ids: list[int], since: date
) -> dict[int, tuple[tuple[date, Decimal], ...]]:
    """Each listing's last in-hand price of each UTC day since `since` (days as the
    roll-up counts them, so the two series line up), from the newest `IN_HAND_ROWS`."""
    start = datetime.combine(since, time(), tzinfo=UTC)
    query = (
        sa.select(_O.c.listing_id, _O.c.observed_at, _O.c.in_hand)
        .where(
            _O.c.listing_id.in_(listing_ids),
            _O.c.observed_at >= start,
            _O.c.in_hand.is_not(None),
            _O.c.is_from_price.is_(False),
        )
        .order_by(_O.c.observed_at.desc(), _O.c.id.desc())
        .limit(IN_HAND_ROWS)
    )
    daily: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for listing_id, observed_at, in_hand in conn.execute(query):  # newest first
        day = observed_at.astimezone(UTC).date()
        daily[listing_id].setdefault(day, in_hand)
    return {lid: tuple(sorted(daily[lid].items())) for lid in listing_ids if daily[lid]}


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
