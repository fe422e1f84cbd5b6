"""Turn a `Cart` into the `Problem` the MILP decides over.

Item-level amounts come from the cost engine's own item step (`planner.item_price`), so the
model and the engine agree on every constant. Promotions are mapped onto the stages the
cost engine applies (`planner.order_discounts`): shop 满减, shop coupon, cross-store,
platform coupon, member percent. A promotion's eligibility (items, categories) becomes a
tag scope; options carry tags `item:<id>`, `category:<name>`, `shop:<name>`. An
order-level promotion limited to one shop is scoped to it; limited to a shop and to items
it is scoped to the items only (generous: a scope is a union of tags). A held coupon
(`planner.cart.is_coupon`) names its resource, `coupon:<index in cart.promotions>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from planner.cart import (
    Cart,
    Credit,
    EveryOff,
    FreeShipping,
    Item,
    Offer,
    PercentOff,
    Threshold,
    is_coupon,
)
from planner.errors import PlanError
from planner.item_price import item_level
from planner.milp import problem as p
from planner.rules import Rulebook
from planner.subsidy import SubsidyProgramme

__all__ = ["problem_from_cart"]


def problem_from_cart(
    cart: Cart,
    rulebook: Rulebook,
    programmes: Mapping[str, SubsidyProgramme],
    values: Mapping[str, Decimal],
    max_orders_per_platform: int,
) -> p.Problem:
    """The MILP's view of `cart`; `values` prices each optional item bought on its own."""
    items = tuple(
        _choices(index, item, cart, rulebook, programmes, values)
        for index, item in enumerate(cart.items)
    )
    shops: dict[str, set[str]] = {}
    for choices in items:
        for option in choices.options:
            shops.setdefault(option.platform, set()).add(option.shop)
    deductions: list[p.Deduction] = []
    free_shipping: list[p.FreeShipping] = []
    credits: list[p.Credit] = []
    for index, promotion in enumerate(cart.promotions):
        platform = rulebook.canonical(promotion.platform)
        if isinstance(promotion, Credit):
            credits.append(p.Credit(platform, promotion.pay, promotion.get))
        elif isinstance(promotion, FreeShipping):
            free_shipping.append(p.FreeShipping(platform, promotion.shop, promotion.over))
        elif isinstance(promotion, EveryOff | Threshold | PercentOff):
            found = _deductions(promotion, platform, sorted(shops.get(platform, ())), cart)
            if is_coupon(promotion):
                coupon, uses = f"coupon:{index}", promotion.uses
                found = [replace(d, coupon=coupon, uses=uses) for d in found]
            deductions += found
    parallel = frozenset(
        platform
        for platform in shops
        if rulebook.for_platform(platform).shop_thresholds == "parallel"
    )
    return p.Problem(
        items=items,
        deductions=tuple(deductions),
        parallel_platforms=parallel,
        cross_after_shop=frozenset(
            platform
            for platform in shops
            if rulebook.for_platform(platform).cross_store_base == "after_shop"
        ),
        free_shipping=tuple(free_shipping),
        credits=tuple(credits),
        budget=cart.budget,
        max_orders_per_platform=max_orders_per_platform,
    )


def _choices(
    index: int,
    item: Item,
    cart: Cart,
    rulebook: Rulebook,
    programmes: Mapping[str, SubsidyProgramme],
    values: Mapping[str, Decimal],
) -> p.ItemChoices:
    tags = frozenset(
        {f"item:{item.id}"} | ({f"category:{item.category}"} if item.category else set())
    )
    options = tuple(
        p.Option(
            item=index,
            offer=number,
            platform=rulebook.canonical(offer.platform),
            shop=offer.shop,
            amount=item_level(item, offer, rulebook.for_platform(offer.platform))[0],
            cross_store=offer.cross_store,
            shipping=offer.shipping,
            subsidy=_subsidy(item, offer, cart, programmes),
            tags=tags | {f"shop:{offer.shop}"},
        )
        for number, offer in enumerate(item.offers)
        if offer.limit is None or item.qty <= offer.limit
    )
    if not options and not item.optional:
        limits = ", ".join(str(offer.limit) for offer in item.offers)
        raise PlanError(
            f"item {item.id!r}: qty {item.qty} is above every offer's limit per person ({limits})",
            f"lower {item.id}'s qty or add an offer that allows {item.qty}",
            zh=(
                f"商品 {item.id!r}：数量 {item.qty} 超过每个报价的每人限购（{limits}）",
                f"减少 {item.id} 的数量，或添加允许买 {item.qty} 件的报价",
            ),
        )
    return p.ItemChoices(item.id, item.optional, values.get(item.id, Decimal(0)), options)


def _subsidy(
    item: Item, offer: Offer, cart: Cart, programmes: Mapping[str, SubsidyProgramme]
) -> p.SubsidyTerm | None:
    """The subsidy an offer may earn, or None (no programme, grade not eligible, quota used).

    Quotas are keyed as the cost engine keys them: the category, else the item itself.
    """
    programme = programmes.get(offer.subsidy) if offer.subsidy else None
    quota = item.category or f"item:{item.id}"
    if programme is None or quota in cart.subsidy_used:
        return None
    rate = programme.rate_for(offer.energy_grade)
    if rate is None or rate <= 0:
        return None
    return p.SubsidyTerm(quota, item.qty, rate, programme.cap, programme.ceiling)


def _deductions(
    promotion: EveryOff | Threshold | PercentOff, platform: str, shops: list[str], cart: Cart
) -> list[p.Deduction]:
    """The deductions one promotion becomes (a shop promotion without a shop: one per shop)."""
    member = promotion.requires_member if isinstance(promotion, PercentOff) else None
    if member is not None and member not in cart.members:
        return []
    stages: list[tuple[str, str | None]]
    if member is not None:
        stages = [("member", None)]
    elif promotion.scope == "shop":
        stage = "shop_coupon" if promotion.coupon else "shop"
        stages = [(stage, shop) for shop in ([promotion.shop] if promotion.shop else shops)]
    elif promotion.scope == "cross_store" and not isinstance(promotion, PercentOff):
        stages = [("cross_store", None)]
    elif promotion.scope == "platform":
        stages = [("coupon", None)]
    else:
        return []
    eligible = promotion.eligible
    scope = frozenset(
        [f"item:{i}" for i in eligible.items] + [f"category:{c}" for c in eligible.categories]
    )
    if promotion.shop and stages[0][0] in ("cross_store", "coupon", "member") and not scope:
        scope = frozenset({f"shop:{promotion.shop}"})
    shape = _shape(promotion, platform)
    return [replace(shape, stage=stage, shop=shop, scope=scope or None) for stage, shop in stages]


def _shape(promotion: EveryOff | Threshold | PercentOff, platform: str) -> p.Deduction:
    """The promotion's discount shape, as a deduction still to be given its stage and scope."""
    if isinstance(promotion, Threshold):
        tiers = tuple(p.Tier(over, off) for over, off in promotion.tiers)
        return p.Deduction(stage="", platform=platform, tiers=tiers)
    if isinstance(promotion, EveryOff):
        return p.Deduction(
            stage="",
            platform=platform,
            every=promotion.every,
            off=promotion.off,
            max_off=promotion.max_off,
        )
    rate = 1 - promotion.rate
    return p.Deduction(
        stage="", platform=platform, rate=rate, cap=promotion.cap, minimum=promotion.over
    )
