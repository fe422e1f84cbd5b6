"""The cart as the MILP sees it: constants per (item, offer) and order-level deductions.

`planner.milp.adapter` builds a `Problem` from a cart; `planner.milp.formulation` turns it
into a model. Everything the cost engine computes per item before orders exist (presale,
官方立减 rounding, multi-buy) is already folded into `Option.amount`, so the model only
decides what depends on how items are grouped: thresholds, coupons, caps and quotas.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

#: The stages of an order's pricing, in the order the cost engine applies them.
STAGES = ("shop", "shop_coupon", "cross_store", "coupon", "member")


@dataclass(frozen=True)
class SubsidyTerm:
    """A trade-in subsidy an option may receive, on ONE of its `units` packs (as the cost
    engine grants it): `min(rate x amount / units, cap)` if `amount / units <= ceiling`."""

    quota: str
    units: int
    rate: Decimal
    cap: Decimal | None
    ceiling: Decimal | None


@dataclass(frozen=True)
class Option:
    """One way to buy one item: an offer, with the item-level amount for all its packs."""

    item: int
    offer: int
    platform: str
    shop: str
    amount: Decimal
    cross_store: bool
    shipping: Decimal
    subsidy: SubsidyTerm | None
    tags: frozenset[str]


@dataclass(frozen=True)
class ItemChoices:
    """An item and its options; an optional item is worth `value` to the shopper if added."""

    id: str
    optional: bool
    value: Decimal
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Tier:
    """满X减Y: `off` comes off once the judged amount reaches `threshold`."""

    threshold: Decimal
    off: Decimal


@dataclass(frozen=True)
class Deduction:
    """One order-level promotion in the form the model needs.

    Exactly one of three shapes: `tiers` (best single tier), `every`/`off` (每满X减Y,
    optionally capped by `max_off`) or `rate` (a percent discount: the fraction taken off,
    optionally capped by `cap`, with an optional `minimum` amount). `scope` limits the
    judged amount to options whose tags meet it (None: every item in the order). Within
    one stage, platform and shop at most one deduction applies (the best). A held coupon
    names its `coupon` resource (one per cart promotion, shared by the deductions a
    shop coupon without a shop becomes) and how many `uses` the shopper holds: at most
    that many orders apply it.
    """

    stage: str
    platform: str
    shop: str | None = None
    tiers: tuple[Tier, ...] = ()
    every: Decimal | None = None
    off: Decimal | None = None
    max_off: Decimal | None = None
    rate: Decimal | None = None
    cap: Decimal | None = None
    minimum: Decimal = Decimal(0)
    scope: frozenset[str] | None = None
    coupon: str | None = None
    uses: int = 0

    @property
    def per_order_limited(self) -> bool:
        """Whether two orders could together get more of it than one order (a reason to split).

        Only an uncapped 每满X减Y is superadditive: one order always earns at least what
        two would; a coupon held once is earned by one order at most. Everything else (a
        single tier, a cap, a coupon held more than once) may not.
        """
        if self.coupon is not None and self.uses < 2:
            return False
        return not (self.every is not None and self.max_off is None)

    @property
    def steepest(self) -> float:
        """The largest share of the amount it is judged on that this deduction can take."""
        if self.tiers:
            return min(
                1.0,
                max(float(t.off / t.threshold) if t.threshold > 0 else 1.0 for t in self.tiers),
            )
        if self.every is not None and self.off is not None:
            return min(1.0, float(self.off / self.every))
        return float(self.rate or 0)

    @property
    def most_off(self) -> float | None:
        """The most it can take off whatever the amount, or None if unbounded."""
        if self.tiers:
            return float(max(t.off for t in self.tiers))
        if self.every is not None:
            return None if self.max_off is None else float(self.max_off)
        return None if self.cap is None else float(self.cap)

    @property
    def smallest_threshold(self) -> Decimal:
        """The least amount an order needs to earn anything from this deduction."""
        if self.tiers:
            return min(tier.threshold for tier in self.tiers)
        if self.every is not None:
            return self.every
        return self.minimum


@dataclass(frozen=True)
class FreeShipping:
    """A shop (`shop` None: every shop on the platform) ships free once its goods in an
    order reach `threshold`."""

    platform: str
    shop: str | None
    threshold: Decimal


@dataclass(frozen=True)
class Credit:
    """购物金 on a platform: top up `pay`, get `get`; a saving only if the balance is spent."""

    platform: str
    pay: Decimal
    get: Decimal


@dataclass(frozen=True)
class Problem:
    """Everything the model decides over."""

    items: tuple[ItemChoices, ...]
    deductions: tuple[Deduction, ...]
    parallel_platforms: frozenset[str]
    cross_after_shop: frozenset[str] = frozenset()
    free_shipping: tuple[FreeShipping, ...] = ()
    credits: tuple[Credit, ...] = ()
    budget: Decimal | None = None
    max_orders_per_platform: int = 3
