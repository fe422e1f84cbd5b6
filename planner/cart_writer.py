"""A cart as the plain dict `tomli_w` writes: the inverse of `planner.cart_file`.

Money is written as strings so it reads back exactly; fields at their default are left
out so a saved cart looks like one a person would write.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal
from typing import Any

from planner.cart import (
    Cart,
    Credit,
    Eligibility,
    EveryOff,
    FreeShipping,
    Item,
    Offer,
    PercentOff,
    Presale,
    Promotion,
    Threshold,
)
from planner.packs import PIECE

__all__ = ["cart_to_dict", "promotion_to_dict"]

_KIND = {EveryOff: "every", Threshold: "threshold", PercentOff: "percent", Credit: "credit",
         FreeShipping: "free_shipping"}  # fmt: skip


def cart_to_dict(cart: Cart) -> dict[str, Any]:
    """The TOML-ready mapping of `cart`."""
    out: dict[str, Any] = {"currency": cart.currency}
    if cart.budget is not None:
        out["budget"] = str(cart.budget)
    if cart.members:
        out["members"] = list(cart.members)
    if cart.subsidy_used:
        out["subsidy_used"] = list(cart.subsidy_used)
    if cart.now is not None:
        out["now"] = cart.now
    out["item"] = [_item(item) for item in cart.items]
    if cart.promotions:
        out["promotion"] = [promotion_to_dict(p) for p in cart.promotions]
    return out


def _item(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"id": item.id, "name": item.name, "qty": item.qty}
    if item.pack_text is not None:
        out["pack"] = item.pack_text
    elif item.pack != PIECE:
        out["unit"] = item.pack.unit
        out["per_pack"] = str(item.pack.quantity)
    if item.category is not None:
        out["category"] = item.category
    if item.optional:
        out["optional"] = True
    out["offer"] = [_offer(offer) for offer in item.offers]
    return out


def _offer(offer: Offer) -> dict[str, Any]:
    out = _plain(offer, skip={"presale", "instant_off", "multibuy"})
    if offer.presale is not None:
        out["presale"] = _presale(offer.presale)
    if offer.instant_off is not None:
        out["instant_off"] = offer.instant_off.text
    if offer.multibuy is not None:
        out["multibuy"] = offer.multibuy.text
    return out


def _presale(presale: Presale) -> dict[str, Any]:
    return _plain(presale, skip=set())


def promotion_to_dict(promo: Promotion) -> dict[str, Any]:
    """One promotion in the cart's `[[promotion]]` vocabulary (a held coupon's `uses`
    included unless it is the default 1); `promotion_from` reads it back. Promotions
    recorded with tracked listings are stored in this form."""
    out: dict[str, Any] = {"kind": _KIND[type(promo)]}
    out.update(_plain(promo, skip={"eligible", "tiers"}))
    if isinstance(promo, Threshold):
        out["tiers"] = [[str(over), str(off)] for over, off in promo.tiers]
    eligible = getattr(promo, "eligible", Eligibility())
    if eligible.items:
        out["items"] = list(eligible.items)
    if eligible.categories:
        out["categories"] = list(eligible.categories)
    return out


def _plain(value: Any, skip: set[str]) -> dict[str, Any]:
    """Non-default dataclass fields, money as strings."""
    out: dict[str, Any] = {}
    for f in fields(value):
        current = getattr(value, f.name)
        if f.name in skip or current is None or current == f.default:
            continue
        out[f.name] = str(current) if isinstance(current, Decimal) else current
    return out
