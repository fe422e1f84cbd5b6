"""The cart: what a shopper means to buy, where each thing can be bought, what is on offer.

These are plain frozen values, the same whether the cart came from a hand-written
`cart.toml` (`planner.cart_file`) or from the terminal app. Promotions are one small class
per kind, so the cost engine and the optimiser can match on the kind instead of checking
which optional fields happen to be set. `docs/cart.md` documents every field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TypeGuard

from planner.packs import PIECE, Pack

__all__ = [
    "Cart",
    "Credit",
    "Eligibility",
    "EveryOff",
    "FreeShipping",
    "InstantOff",
    "Item",
    "Multibuy",
    "Offer",
    "PercentOff",
    "Presale",
    "Promotion",
    "Threshold",
    "is_coupon",
]

SCOPES = ("cross_store", "shop", "platform")


@dataclass(frozen=True)
class Presale:
    """A presale (预售): a deposit (定金) now, the balance (尾款) in a later window.

    `worth` is what the deposit counts for at the balance (膨胀: pay 50, worth 150); it
    defaults to the deposit itself. `reduction` instead models 付定立减 (pay a deposit, the
    price drops by a fixed amount). Deposits are normally not refundable (定金不退).
    """

    deposit: Decimal
    deposit_at: date
    balance_from: datetime
    balance_until: datetime | None = None
    worth: Decimal | None = None
    reduction: Decimal | None = None
    refundable: bool = False

    @property
    def saving(self) -> Decimal:
        """How much the presale takes off one pack's price."""
        if self.reduction is not None:
            return self.reduction
        worth = self.deposit if self.worth is None else self.worth
        return worth - self.deposit


@dataclass(frozen=True)
class InstantOff:
    """官方立减 / 直降 per pack: a `rate` ("15%") or a fixed `amount` ("20")."""

    text: str
    rate: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class Multibuy:
    """A multi-buy on one item's packs.

    With `whole=False`, in every complete group of `group` packs, `discounted` packs are
    charged at `rate` (第二件半价: group 2, one at 0.5; 买二送一/3for2: group 3, one at 0).
    With `whole=True`, every pack is charged at `rate` once at least `group` packs are
    bought (N件M折).
    """

    text: str
    group: int
    rate: Decimal
    whole: bool = False
    discounted: int = 1

    def total(self, unit_price: Decimal, qty: int) -> Decimal:
        """Exact total of `qty` packs at `unit_price` under this multi-buy (not rounded)."""
        if self.whole:
            return unit_price * qty * (self.rate if qty >= self.group else 1)
        discounted = (qty // self.group) * self.discounted
        return unit_price * (qty - discounted) + unit_price * self.rate * discounted


@dataclass(frozen=True)
class Offer:
    """One listing that can supply an item, with its item-level promotions."""

    platform: str
    shop: str
    price: Decimal
    list_price: Decimal | None = None
    presale: Presale | None = None
    instant_off: InstantOff | None = None
    multibuy: Multibuy | None = None
    cross_store: bool = False
    subsidy: str | None = None
    energy_grade: int | None = None
    shipping: Decimal = Decimal(0)
    limit: int | None = None
    url: str | None = None


@dataclass(frozen=True)
class Item:
    """Something to buy: `qty` packs, each holding `pack` (quantity in a base unit)."""

    id: str
    name: str
    qty: int
    offers: tuple[Offer, ...]
    pack: Pack = PIECE
    pack_text: str | None = None
    category: str | None = None
    optional: bool = False


@dataclass(frozen=True)
class Eligibility:
    """Which items a promotion covers: all (both empty), or these ids / categories."""

    items: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def covers(self, item: Item) -> bool:
        """True if the promotion applies to `item`."""
        if not self.items and not self.categories:
            return True
        return item.id in self.items or (
            item.category is not None and item.category in self.categories
        )


@dataclass(frozen=True)
class EveryOff:
    """每满X减Y: `off` for every full `every` of the base, capped at `max_off` if given."""

    platform: str
    scope: str
    every: Decimal
    off: Decimal
    max_off: Decimal | None = None
    shop: str | None = None
    coupon: bool = False
    eligible: Eligibility = field(default_factory=Eligibility)
    label: str = ""
    uses: int = 1  # a held coupon (`is_coupon`): how many the shopper holds

    def discount(self, base: Decimal) -> Decimal:
        """The discount on `base` (exact)."""
        times = int(base // self.every) if base > 0 else 0
        off = self.off * times
        return off if self.max_off is None else min(off, self.max_off)


@dataclass(frozen=True)
class Threshold:
    """满X减Y once; with several tiers the best single reachable tier applies.

    A tier with threshold 0 is a coupon or red packet without a threshold (无门槛).
    """

    platform: str
    scope: str
    tiers: tuple[tuple[Decimal, Decimal], ...]
    shop: str | None = None
    coupon: bool = False
    eligible: Eligibility = field(default_factory=Eligibility)
    label: str = ""
    uses: int = 1  # a held coupon (`is_coupon`): how many the shopper holds

    def discount(self, base: Decimal) -> Decimal:
        """The best reachable tier's discount on `base` (exact; zero if none)."""
        reachable = [off for over, off in self.tiers if base >= over and base > 0]
        return max(reachable, default=Decimal(0))


@dataclass(frozen=True)
class PercentOff:
    """A percentage: pay `rate` of the amount (0.95 = 95折), from `over`, capped at `cap`.

    With `requires_member` it is a member discount (88VIP, JD PLUS) applied after coupons;
    otherwise it is a percent coupon competing with the other coupons of its scope.
    """

    platform: str
    scope: str
    rate: Decimal
    cap: Decimal | None = None
    over: Decimal = Decimal(0)
    requires_member: str | None = None
    shop: str | None = None
    coupon: bool = False
    eligible: Eligibility = field(default_factory=Eligibility)
    label: str = ""
    uses: int = 1  # a held coupon (`is_coupon`): how many the shopper holds

    def discount(self, base: Decimal) -> Decimal:
        """The discount on `base`, half-up to the cent, capped."""
        if base <= 0 or base < self.over:
            return Decimal(0)
        off = (base * (1 - self.rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return off if self.cap is None else min(off, self.cap)


@dataclass(frozen=True)
class Credit:
    """购物金: top up `pay`, get `get` to spend on the platform (paid at `at`, else now)."""

    platform: str
    pay: Decimal
    get: Decimal
    at: date | None = None
    label: str = ""


@dataclass(frozen=True)
class FreeShipping:
    """Shipping is free when a shop's (or, without `shop`, any shop's) goods reach `over`."""

    platform: str
    over: Decimal
    shop: str | None = None
    label: str = ""


Promotion = EveryOff | Threshold | PercentOff | Credit | FreeShipping


def is_coupon(promotion: Promotion) -> TypeGuard[EveryOff | Threshold | PercentOff]:
    """Whether the shopper HOLDS this promotion (a coupon) rather than getting it by itself.

    A held coupon (店铺券, platform coupon, red packet, 消费券, percent coupon) is spent by
    each order that uses it, so it applies at most `uses` times across the cart. These are
    the promotions marked `coupon = true` and every platform-scope promotion but a member
    discount. Shop 满减 without the mark, cross-store 每满 and member discounts are
    automatic: every order that qualifies gets them.
    """
    if not isinstance(promotion, EveryOff | Threshold | PercentOff):
        return False
    if isinstance(promotion, PercentOff) and promotion.requires_member:
        return False
    return promotion.coupon or promotion.scope == "platform"


@dataclass(frozen=True)
class Cart:
    """A whole cart: items with their offers, promotions, and who the shopper is."""

    items: tuple[Item, ...]
    promotions: tuple[Promotion, ...] = ()
    currency: str = "CNY"
    budget: Decimal | None = None
    members: tuple[str, ...] = ()
    subsidy_used: tuple[str, ...] = ()
    now: date | None = None
    source: Path | None = None

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if absent)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)
