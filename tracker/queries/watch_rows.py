"""The watchlist's rows as plain values, and how they are built from the store's rows.

No SQLAlchemy here: the terminal app shows its first screenful of the watchlist from
these (read through the standard library's sqlite3, `tracker.queries.watchlist_sqlite`)
before the store's ORM is imported, and `tracker.queries.watchlist` builds the same rows
through SQLAlchemy (PostgreSQL, and everything after the first paint).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class ListingQuote:
    """One listing and its latest check."""

    listing_id: int
    product_id: int
    platform: str
    shop: str | None
    url: str
    pack: str | None
    per_pack: Decimal | None
    price: Decimal | None  # the latest recorded price (None: never priced)
    currency: str | None
    previous_price: Decimal | None  # the priced observation before `price`
    priced_at: datetime | None
    checked_at: datetime | None  # the latest check, priced or not
    in_stock: bool | None
    reason: str | None  # why the latest check has no price
    title: str | None
    active: bool = True  # False: paused, not checked until resumed
    in_hand: Decimal | None = None  # one pack bought alone, its promotions applied

    @property
    def per_unit(self) -> Decimal | None:
        """The price of one base unit of the product (kg, l, piece...), if the pack is known."""
        if self.price is None or not self.per_pack:
            return None
        return self.price / self.per_pack

    @property
    def in_hand_price(self) -> Decimal | None:
        """What one pack costs in hand: the in-hand price of one pack bought alone, or the
        price where none was recorded (checks from before in-hand prices were kept)."""
        return self.in_hand if self.in_hand is not None else self.price

    @property
    def in_hand_per_unit(self) -> Decimal | None:
        """The in-hand price of one base unit, if the pack is known."""
        paid = self.in_hand_price
        if paid is None or not self.per_pack:
            return None
        return paid / self.per_pack

    @property
    def change(self) -> Decimal | None:
        """Latest price minus the previous one (negative: it got cheaper)."""
        if self.price is None or self.previous_price is None:
            return None
        return self.price - self.previous_price

    @property
    def available(self) -> bool:
        """Checked on its interval, priced by its latest check and not known to be out of
        stock (a paused listing's last price grows stale, so it is never the best offer)."""
        return (
            self.active
            and self.price is not None
            and self.reason is None
            and self.in_stock is not False
        )


@dataclass(frozen=True)
class WatchRow:
    """One product on the watchlist."""

    product_id: int
    name: str
    unit: str
    category: str | None
    listings: tuple[ListingQuote, ...]
    best: ListingQuote | None  # the cheapest in hand (per unit when packs known)

    @property
    def status(self) -> str:
        """ok | not_checked | out_of_stock | no_price: why there may be no best price."""
        if self.best is not None:
            return "ok"
        if all(q.checked_at is None for q in self.listings):
            return "not_checked"
        if any(q.in_stock is False for q in self.listings):
            return "out_of_stock"
        return "no_price"

    @property
    def reason(self) -> str | None:
        """The most recent no-price reason among the listings, for the status column."""
        reasons = [q for q in self.listings if q.reason and q.checked_at is not None]
        if not reasons:
            return None
        return max(reasons, key=lambda q: q.checked_at or datetime.min).reason


@dataclass(frozen=True)
class Trend:
    """A product's recent daily prices and its lowest recorded price."""

    product_id: int
    daily: tuple[tuple[date, Decimal], ...]  # the cheapest listing price of each day
    lowest: Decimal | None
    lowest_per_unit: Decimal | None


@dataclass(frozen=True)
class ForecastMark:
    """The next sale event's forecast for a product's best-forecast listing."""

    product_id: int
    listing_id: int
    event_key: str
    event_date: str
    point: Decimal | None
    lower: Decimal | None
    upper: Decimal | None
    currency: str | None
    advice: str | None
    expected_saving: Decimal | None
    fake_discount: bool  # the price was raised before this sale (a "discount" off a raise)
    fake_note_zh: str | None = None
    fake_note_en: str | None = None
    #: The listing's price when the forecast was made (its latest priced check then): the
    #: advice is a decision about that price, so a screen shows it once the price moved.
    made_for: Decimal | None = None

    def is_stale(self, price: Decimal | None) -> bool:
        """Whether the listing's price now differs from the one the advice was made for."""
        return self.made_for is not None and price is not None and price != self.made_for


def name_order(name: str) -> str:
    """How products sort by name (ties keep product id order): the watchlist's default
    order, which its first screenful is read in."""
    return name.lower()


def watch_rows(listings: Iterable[Any], observations: Mapping[int, Any]) -> list[WatchRow]:
    """The watchlist from its listing rows (product and listing columns with the summary's
    `last_id`, `priced_id`, `before_id`, by product then listing; a product without
    listings has a row of NULL listing columns) and the observations they point at, by
    id. Rows of either reader have the same attributes."""
    products: dict[int, tuple[Any, list[ListingQuote]]] = {}
    for row in listings:
        entry = products.setdefault(row.product_id, (row, []))
        if row.listing_id is not None:
            entry[1].append(quote_of(row, observations))
    return [
        WatchRow(
            product_id=pid,
            name=head.name,
            unit=head.unit,
            category=head.category,
            listings=tuple(quotes),
            best=best_offer(quotes),
        )
        for pid, (head, quotes) in products.items()
    ]


def quote_of(row: Any, obs: Mapping[int, Any]) -> ListingQuote:
    """One listing row's quote: its price from the newest priced observation, its state
    (checked, in stock, why no price) from the newest observation of any kind."""
    last = obs.get(row.last_id)
    priced = obs.get(row.priced_id)
    before = obs.get(row.before_id)
    return ListingQuote(
        listing_id=row.listing_id,
        product_id=row.product_id,
        platform=row.platform,
        shop=row.shop,
        url=row.url,
        pack=row.pack,
        per_pack=row.per_pack,
        price=priced.price if priced else None,
        currency=priced.currency if priced else None,
        previous_price=before.price if before else None,
        priced_at=priced.observed_at if priced else None,
        checked_at=last.observed_at if last else None,
        in_stock=last.in_stock if last else None,
        reason=last.reason if last else None,
        title=(last.title if last and last.title else (priced.title if priced else None)),
        active=bool(row.active),
        in_hand=priced.in_hand if priced else None,
    )


def best_offer(quotes: Sequence[ListingQuote]) -> ListingQuote | None:
    """The available listing cheapest in hand, compared per unit when every candidate's
    pack is known: a sticker price above another's can still be cheaper once its coupon is
    applied, and that is what the shopper pays.

    Prices are compared only within one currency (the one most candidates use), never
    converted: a wrong comparison is worse than none.
    """
    candidates = [q for q in quotes if q.available]
    if not candidates:
        return None
    currency = Counter(q.currency for q in candidates).most_common(1)[0][0]
    candidates = [q for q in candidates if q.currency == currency]
    if all(q.in_hand_per_unit is not None for q in candidates):
        return min(candidates, key=lambda q: (q.in_hand_per_unit, q.listing_id))
    return min(candidates, key=lambda q: (q.in_hand_price, q.listing_id))
