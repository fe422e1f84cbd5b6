"""Tracked offers in a cart file become priced offers: the bridge from the store to the
planner, which stays pure and never reads the store.

An `[[item.offer]]` may name a tracked listing (`listing = 12`, or the `url` of a tracked
listing) instead of typing its price. Resolution works on the file's TOML tables before
the planner validates them, so the planner's own parser checks the result and its errors
still name the file's lines. A resolved offer takes its listing's latest observation: the
price, the list price (unless typed), and the promotions recorded with it (offer-level
ones fill the offer's fields the file leaves empty; order-level ones become `[[promotion]]`
tables). `promotions = false` on the offer switches the recorded ones off; a field written
by hand wins over the recorded one.

An offer that cannot be bought now (out of stock, no price, another currency than the
cart's) is left out with its reason; an item left with no offer is a one-line CartError.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from planner.errors import CartError
from planner.wording import WordLanguage, Words, words
from tracker.store.views import ListingView, NewObservation, ObservationView

#: Keys of a recorded promotion that only extraction knows; the planner never sees them.
_METADATA = ("applies_to", "source_text", "valid_from", "valid_until", "claimed")
#: Offer fields a recorded promotion may fill (member prices are shown, never the price).
_OFFER_FIELDS = ("presale", "instant_off", "multibuy", "limit", "subsidy", "cross_store")
_PRESALE_DATES = ("deposit_at", "balance_from")
#: An observation older than this many check intervals is "stale" (one missed check is
#: ordinary: a slow shop, a laptop asleep; two are not).
STALE_INTERVALS = 2


@dataclass(frozen=True)
class PricedFrom:
    """What one offer of the plan was priced from: a listing's observation, or the file."""

    item_id: str
    offer_index: int  # in the resolved item's offers
    listing_id: int | None  # None: a price typed in the file
    observed_at: datetime | None
    stale: bool


@dataclass(frozen=True)
class Resolved:
    """The cart's tables with tracked offers priced, and what was left out and why."""

    data: dict[str, Any]
    sources: tuple[PricedFrom, ...]
    left_out: tuple[Words, ...]  # "item id: listing 12 (out of stock)"


@dataclass(frozen=True)
class Store:
    """The store as resolution sees it: tracked listings and their latest observations."""

    listings: dict[int, ListingView]
    latest: dict[int, ObservationView]
    default_interval: timedelta

    def by_url(self, url: str) -> ListingView | None:
        """The tracked listing at `url`, if any."""
        return next((v for v in self.listings.values() if v.url == url), None)


def resolve(
    data: dict[str, Any], store: Store, now: datetime, name: str, *, check_only: bool = False
) -> Resolved:
    """A copy of cart tables `data` with every tracked offer priced from `store` at `now`.

    With `check_only`, tracked offers are only checked to name tracked listings and get a
    placeholder price: the tables can then be validated, never planned."""
    data = copy.deepcopy(data)
    currency = data.get("currency", "CNY")
    promotions: list[dict[str, Any]] = list(data.get("promotion", []))
    sources: list[PricedFrom] = []
    left_out: list[Words] = []
    for index, item in enumerate(data.get("item", [])):
        if not isinstance(item, dict) or not isinstance(item.get("offer"), list):
            continue  # the planner's validation names the problem
        item_id = str(item.get("id", f"item[{index}]"))
        kept: list[dict[str, Any]] = []
        reasons: list[Words] = []
        for offer in item["offer"]:
            listing = _listing_of(offer, store, name, item_id)
            if listing is None:
                kept.append(offer)
                sources.append(PricedFrom(item_id, len(kept) - 1, None, None, False))
                continue
            if check_only:
                kept.append(_placeholder(offer, listing))
                continue
            why = _unusable(store.latest.get(listing.id), currency, item_id, listing.id)
            if why is not None:
                reasons.append(why)
                continue
            seen = store.latest[listing.id]
            kept.append(priced_offer(offer, listing, seen, promotions, now.date()))
            stale = now - seen.observed_at > STALE_INTERVALS * _interval(listing, store)
            sources.append(PricedFrom(item_id, len(kept) - 1, listing.id, seen.observed_at, stale))
        if not kept:
            raise CartError(
                f"{name}: item {item_id!r} has no usable offer: "
                + "; ".join(_unprefixed(why, "en") for why in reasons),
                "check its listings again, or add an offer with a typed price",
                zh=(
                    f"{name}：商品 {item_id!r} 没有可用的报价："
                    + "；".join(_unprefixed(why, "zh") for why in reasons),
                    "重新检查它的链接，或添加一个填写了价格的报价",
                ),
            )
        left_out.extend(reasons)
        item["offer"] = kept
    if promotions:
        data["promotion"] = _unique(promotions)
    return Resolved(data, tuple(sources), tuple(left_out))


def _listing_of(offer: Any, store: Store, name: str, item_id: str) -> ListingView | None:
    """The tracked listing an offer names (`listing` or a tracked `url`), or None."""
    if not isinstance(offer, dict):
        return None
    if "listing" in offer:
        wanted = offer.pop("listing")
        listing = store.listings.get(wanted) if isinstance(wanted, int) else None
        if listing is None:
            raise CartError(
                f"{name}: item {item_id!r}: listing {wanted!r} is not tracked",
                "see the ids with: daoshou list",
                zh=(
                    f"{name}：商品 {item_id!r}：商品链接 {wanted!r} 未被跟踪",
                    "用 daoshou list 查看编号",
                ),
            )
        return listing
    url = offer.get("url")
    listing = store.by_url(url) if isinstance(url, str) else None
    if listing is None and "price" not in offer and isinstance(url, str):
        raise CartError(
            f"{name}: item {item_id!r}: {url} is not a tracked listing",
            "track it with daoshou add, or type its price",
            zh=(
                f"{name}：商品 {item_id!r}：{url} 不是跟踪中的商品链接",
                "用 daoshou add 跟踪它，或直接填写价格",
            ),
        )
    return listing


def _placeholder(offer: dict[str, Any], listing: ListingView) -> dict[str, Any]:
    offer.pop("promotions", None)
    offer["price"] = "1"
    offer.setdefault("platform", listing.platform)
    offer.setdefault("shop", listing.shop or listing.platform)
    offer["url"] = listing.url
    return offer


def _unusable(seen: ObservationView | None, currency: str, item: str, listing: int) -> Words | None:
    """Why an observation cannot price an offer (of `item`, from `listing`) of a cart in
    `currency`, or None; worded as a plan note."""
    if seen is None:
        return words("left_never_checked", item=item, listing=listing)
    if seen.price is None and seen.reason:
        return words("left_no_price_reason", item=item, listing=listing, reason=seen.reason)
    if seen.price is None:
        return words("left_no_price", item=item, listing=listing)
    if seen.in_stock is False:
        return words("left_out_of_stock", item=item, listing=listing)
    if seen.currency != currency:
        return words(
            "left_currency", item=item, listing=listing, seen=seen.currency, currency=currency
        )
    return None


def _unprefixed(why: Words, language: WordLanguage) -> str:
    """A left-out note without its leading item id, for an error that names the item."""
    return why.text(language).split(":" if language == "en" else "：", 1)[1].strip()


def priced_offer(
    offer: dict[str, Any],
    listing: ListingView,
    seen: ObservationView | NewObservation,
    promotions: list[dict[str, Any]],
    today: date,
) -> dict[str, Any]:
    """The offer table priced from `seen`, with its recorded promotions unless switched off."""
    use_recorded = offer.pop("promotions", True) is not False
    offer["price"] = str(seen.price)
    offer.setdefault("platform", listing.platform)
    offer.setdefault("shop", listing.shop or listing.platform)
    offer["url"] = listing.url
    if seen.list_price is not None and seen.list_price > (seen.price or 0):
        offer.setdefault("list_price", str(seen.list_price))
    if not use_recorded:
        return offer
    for recorded in seen.promotions:
        if not _valid(recorded, today):
            continue
        if recorded.get("applies_to") == "order":
            table = {k: v for k, v in recorded.items() if k not in _METADATA}
            table.setdefault("platform", listing.platform)
            if table.get("scope") == "shop" and listing.shop:
                table.setdefault("shop", offer["shop"])
            promotions.append(table)
        elif _fills(recorded, offer):
            offer[recorded["field"]] = recorded["value"]
    return offer


def _fills(recorded: dict[str, Any], offer: dict[str, Any]) -> bool:
    """Whether an offer-level promotion may fill its field: one the planner reads, left
    empty by hand, and (a presale) with the dates the planner needs."""
    field = recorded.get("field")
    if field not in _OFFER_FIELDS or field in offer:
        return False
    value = recorded.get("value")
    return field != "presale" or (
        isinstance(value, dict) and all(k in value for k in _PRESALE_DATES)
    )


def _valid(recorded: dict[str, Any], today: date) -> bool:
    """False for a promotion whose stated window does not hold `today`."""
    start, end = recorded.get("valid_from"), recorded.get("valid_until")
    try:
        if start and datetime.fromisoformat(start).date() > today:
            return False
        return not (end and datetime.fromisoformat(end).date() < today)
    except (TypeError, ValueError):
        return False  # a window we cannot read is not assumed to hold


def _interval(listing: ListingView, store: Store) -> timedelta:
    minutes = listing.check_interval_minutes
    return timedelta(minutes=minutes) if minutes else store.default_interval


def _unique(promotions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Promotions once each: two listings of one shop both record the shop's coupon."""
    seen: set[str] = set()
    kept = []
    for promotion in promotions:
        key = json.dumps(promotion, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            kept.append(promotion)
    return kept
