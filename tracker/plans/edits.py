"""The edits the terminal app makes to a cart file: add a watched product (as references
to its tracked listings), change an item's quantity.

Edits work on the file's TOML tables, so what the user wrote by hand (listing
references, switched-off promotions) survives an edit, and a reference stays a reference:
the price comes from the store each time the cart is planned.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import tomli_w

from planner.cart_file import read_cart_text, read_toml
from planner.errors import CartError
from planner.packs import UNITS, parse_pack
from tracker import locations
from tracker.plans.carts import write_atomically

#: The app's own cart: a saved cart like the others, so the service follows it too.
APP_CART = locations.APP_CART
# Edits read, change and write the whole file; two at once (keys pressed quickly, each
# edit in its own worker thread) would lose one of them.
_EDITS = threading.Lock()


class Quote(Protocol):
    """What an edit needs of one listing of a watched product."""

    listing_id: int
    per_pack: Decimal | None
    currency: str | None
    pack: str | None

    @property
    def available(self) -> bool: ...


class Product(Protocol):
    """What an edit needs of a watched product (`tracker.queries.watchlist.WatchRow`)."""

    @property
    def product_id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def category(self) -> str | None: ...

    @property
    def listings(self) -> Sequence[Any]: ...

    @property
    def best(self) -> Any: ...


def cart_path() -> Path:
    """The app's cart file (a saved cart named "cart")."""
    return locations.cart_file()


def _read(path: Path) -> dict[str, Any]:
    return read_toml(read_cart_text(path), path) if path.exists() else {"currency": "CNY"}


def _write(path: Path, data: dict[str, Any]) -> None:
    write_atomically(path, tomli_w.dumps(data))


def item_for(row: Product, item_id: str, currency: str) -> dict[str, Any]:
    """A cart item for a watched product: references to its listings in the cart's
    currency and the best listing's pack size (offers of one item sell one pack)."""
    best = row.best
    if best is None:
        raise CartError(
            f"{row.name} has no current price",
            "check it first, then add it again",
            zh=(f"{row.name} 没有当前价格", "先检查它，再重新添加"),
        )
    offers = [
        {"listing": q.listing_id}
        for q in row.listings
        if q.available and q.per_pack == best.per_pack and q.currency == currency
    ]
    if not offers:
        raise CartError(
            f"{row.name} has no listing priced in {currency}, the cart's currency",
            "keep carts in one currency: start another cart for it",
            zh=(
                f"{row.name} 没有以购物车币种 {currency} 计价的链接",
                "一个购物车只用一种币种：为它另建一个购物车",
            ),
        )
    item: dict[str, Any] = {"id": item_id, "name": row.name, "qty": 1}
    if best.pack and parse_pack(best.pack) is not None:
        item["pack"] = best.pack
    elif best.per_pack:
        item["unit"] = row.unit if row.unit in UNITS else "piece"
        item["per_pack"] = str(best.per_pack)
    if row.category:
        item["category"] = row.category
    item["offer"] = offers
    return item


def _holds(item: dict[str, Any], row: Product) -> bool:
    """Whether an item of the file already holds `row`'s product."""
    listing_ids = {q.listing_id for q in row.listings}
    urls = {getattr(q, "url", None) for q in row.listings} - {None}
    if item.get("id") == f"p{row.product_id}":
        return True
    return any(
        isinstance(o, dict) and (o.get("listing") in listing_ids or o.get("url") in urls)
        for o in item.get("offer", [])
    )


def add_product(path: Path, row: Product) -> dict[str, Any]:
    """Add one of `row`'s product to the cart file (created if missing): one more pack of
    the item that already holds it, else a new item of listing references."""
    with _EDITS:
        data = _read(path)
        items = data.setdefault("item", [])
        holder = next((i for i in items if isinstance(i, dict) and _holds(i, row)), None)
        if holder is not None:
            holder["qty"] = int(holder.get("qty", 1)) + 1
        else:
            items.append(item_for(row, f"p{row.product_id}", data.get("currency", "CNY")))
        _write(path, data)
    return data


def change_quantity(path: Path, item_id: str, delta: int) -> dict[str, Any]:
    """Add `delta` packs of an item in the cart file; at zero the item leaves the cart."""
    with _EDITS:
        data = _read(path)
        items = []
        for item in data.get("item", []):
            if item.get("id") == item_id:
                qty = int(item.get("qty", 1)) + delta
                if qty <= 0:
                    continue
                item["qty"] = qty
            items.append(item)
        data["item"] = items
        _write(path, data)
    return data
