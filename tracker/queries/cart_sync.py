"""A cart that follows the tracker: offers whose URL is a tracked listing take that
listing's latest recorded price.

The planner stays pure (it never reads the store); this module is the bridge: it reads the
latest quotes (`tracker.queries.watchlist`) and returns a repriced copy of the cart with
the list of what moved. It writes only the user's cart file; a changed plan total is
raised as an alert by `tracker.alerts.engine.record_plan_change`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from planner.cart import Cart, Item, Offer
from planner.cart_file import load_cart, save_cart
from planner.errors import CartError
from planner.packs import UNITS, Pack, parse_pack
from tracker import locations
from tracker.queries.watchlist import ListingQuote, WatchRow, load_watchlist

# Edits read, change and write the whole file; two at once (keys pressed quickly, each
# edit in its own worker thread) would lose one of them.
_EDITS = threading.Lock()


@dataclass(frozen=True)
class Repriced:
    """One offer whose price now comes from the store."""

    item_id: str
    platform: str
    old: Decimal
    new: Decimal


@dataclass(frozen=True)
class LiveCart:
    """The cart as priced by the latest observations."""

    cart: Cart
    repriced: tuple[Repriced, ...]
    unavailable: tuple[str, ...]  # "item: platform (reason)" for offers that cannot be bought


def cart_path() -> Path:
    """The user's cart file, next to the database."""
    return locations.cart_file()


def _quotes_by_url(engine: sa.Engine) -> dict[str, ListingQuote]:
    return {q.url: q for row in load_watchlist(engine) for q in row.listings}


def live_cart(engine: sa.Engine, cart: Cart) -> LiveCart:
    """`cart` with every tracked offer at its listing's latest price.

    An offer whose listing has no current price (login wall, out of stock) is dropped when
    the item has other offers, and kept at its written price otherwise, with a note either
    way: a plan on a price that may be gone is flagged, never silent.
    """
    quotes = _quotes_by_url(engine)
    repriced: list[Repriced] = []
    unavailable: list[str] = []
    items: list[Item] = []
    for item in cart.items:
        offers: list[Offer] = []
        for offer in item.offers:
            quote = quotes.get(offer.url or "")
            if quote is None:
                offers.append(offer)
            elif quote.available and quote.price is not None and quote.currency == cart.currency:
                if quote.price != offer.price:
                    repriced.append(Repriced(item.id, offer.platform, offer.price, quote.price))
                offers.append(replace(offer, price=quote.price))
            else:
                why = quote.reason or ("out of stock" if quote.in_stock is False else "no price")
                unavailable.append(f"{item.id}: {offer.platform} ({why})")
        items.append(replace(item, offers=tuple(offers or item.offers)))
    return LiveCart(replace(cart, items=tuple(items)), tuple(repriced), tuple(unavailable))


def item_from_product(row: WatchRow, item_id: str, qty: int = 1) -> Item:
    """A cart item for a watched product: its listings in the best listing's pack size.

    Offers must all sell the same pack (the cart compares them per pack), so listings
    with another pack size are left out; CartError if nothing can be bought now.
    """
    best = row.best
    if best is None:
        raise CartError(f"{row.name} has no current price", "check it first, then add it again")
    same_pack = [
        q
        for q in row.listings
        if q.available and q.per_pack == best.per_pack and q.currency == best.currency
    ]
    offers = tuple(
        Offer(
            platform=q.platform, shop=q.shop or q.platform, price=q.price or Decimal(0), url=q.url
        )
        for q in same_pack
    )
    unit = row.unit if row.unit in UNITS else "piece"
    pack = Pack(best.per_pack, unit) if best.per_pack else Pack(Decimal(1), "piece")
    readable = best.pack if best.pack and parse_pack(best.pack) is not None else None
    return Item(
        id=item_id,
        name=row.name,
        qty=qty,
        offers=offers,
        pack=pack,
        pack_text=readable,
        category=row.category,
    )


def add_to_cart_file(path: Path, row: WatchRow) -> Cart:
    """Add `row`'s product to the cart file (created if missing); one more if present."""
    item_id = f"p{row.product_id}"
    with _EDITS:
        cart = load_cart(path) if path.exists() else Cart(items=())
        if any(item.id == item_id for item in cart.items):
            items = tuple(replace(i, qty=i.qty + 1) if i.id == item_id else i for i in cart.items)
        else:
            items = (*cart.items, item_from_product(row, item_id))
        cart = replace(cart, items=items)
        save_cart(cart, path)
    return cart


def change_quantity(path: Path, item_id: str, delta: int) -> Cart:
    """Add `delta` packs of an item in the cart file; at zero the item leaves the cart."""
    with _EDITS:
        cart = load_cart(path)
        items = []
        for item in cart.items:
            if item.id == item_id:
                if item.qty + delta <= 0:
                    continue
                item = replace(item, qty=item.qty + delta)
            items.append(item)
        cart = replace(cart, items=tuple(items))
        save_cart(cart, path)
    return cart
