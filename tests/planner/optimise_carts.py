"""Random carts for the optimiser's property tests, and the brute force they are checked by.

Carts are built directly from `planner.cart` values: 1-8 items, 1-3 offers each over three
platforms and two shops per platform, with every promotion kind the optimiser models;
held coupons come once or twice (`uses`), so the brute force, pricing with the engine,
spends each at most that often.
`brute_force` prices every assignment (offer and order for each item, optional items in
or out) with the cost engine and returns the cheapest.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from planner.cart import (
    Cart,
    Credit,
    Eligibility,
    EveryOff,
    FreeShipping,
    InstantOff,
    Item,
    Multibuy,
    Offer,
    PercentOff,
    Promotion,
    Threshold,
)
from planner.cost import Pick, PricedCart, Pricing, price
from planner.optimise import standalone_cost
from tests.clock import TODAY

PLATFORMS = ("tmall", "jd", "pdd")
SHOPS = ("A", "B")
CATEGORIES = ("phone", "snack", "home")

#: Hypothesis settings for checks that solve each small cart in full: reproducible, and
#: without health checks that slow (solver-bound) examples would fail.
SMALL_CARTS = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

money = st.integers(min_value=5, max_value=400).map(lambda n: Decimal(n))
#: How many of a coupon the shopper holds: mostly one (the default), sometimes two.
held = st.sampled_from([1, 1, 2])


@st.composite
def offers(draw: st.DrawFn) -> Offer:
    instant = draw(
        st.sampled_from(
            [None, InstantOff("10%", rate=Decimal("0.1")), InstantOff("5", amount=Decimal(5))]
        )
    )
    multibuy = draw(st.sampled_from([None, Multibuy("2nd-half", 2, Decimal("0.5"))]))
    return Offer(
        platform=draw(st.sampled_from(PLATFORMS)),
        shop=draw(st.sampled_from(SHOPS)),
        price=draw(money) + draw(st.sampled_from([Decimal(0), Decimal("0.90")])),
        instant_off=instant,
        multibuy=multibuy,
        cross_store=draw(st.booleans()),
        subsidy=draw(st.sampled_from([None, None, "cn-2025-digital"])),
        shipping=draw(st.sampled_from([Decimal(0), Decimal(0), Decimal(8)])),
        limit=draw(st.sampled_from([None, None, None, 1])),
    )


@st.composite
def items(draw: st.DrawFn, index: int) -> Item:
    found = draw(
        st.lists(offers(), min_size=1, max_size=3, unique_by=lambda o: (o.platform, o.shop))
    )
    return Item(
        id=f"i{index}",
        name=f"item {index}",
        qty=draw(st.integers(min_value=1, max_value=2)),
        offers=tuple(found),
        category=draw(st.sampled_from((None, *CATEGORIES))),
        optional=draw(st.sampled_from([False, False, False, True])),
    )


@st.composite
def promotions(draw: st.DrawFn) -> Promotion:
    platform = draw(st.sampled_from(PLATFORMS))
    kind = draw(st.sampled_from(["cross", "shop", "coupon", "member", "free", "credit"]))
    if kind == "cross":
        return EveryOff(
            platform,
            "cross_store",
            Decimal(draw(st.sampled_from([200, 300]))),
            Decimal(draw(st.sampled_from([30, 50]))),
            max_off=draw(st.sampled_from([None, Decimal(50)])),
        )
    if kind == "shop":
        tiers = draw(
            st.sampled_from(
                [
                    ((Decimal(200), Decimal(20)),),
                    ((Decimal(150), Decimal(15)), (Decimal(400), Decimal(50))),
                ]
            )
        )
        coupon = draw(st.booleans())
        return Threshold(
            platform,
            "shop",
            tiers,
            shop=draw(st.sampled_from(SHOPS)),
            coupon=coupon,
            eligible=draw(st.sampled_from([Eligibility(), Eligibility(), Eligibility(("i0",))])),
            uses=draw(held) if coupon else 1,
        )
    if kind == "coupon":
        eligible = draw(st.sampled_from([Eligibility(), Eligibility(categories=("snack",))]))
        if draw(st.booleans()):
            return PercentOff(
                platform,
                "platform",
                Decimal("0.9"),
                cap=Decimal(30),
                over=Decimal(100),
                eligible=eligible,
                uses=draw(held),
            )
        return Threshold(
            platform,
            "platform",
            ((Decimal(299), Decimal(30)),),
            coupon=True,
            eligible=eligible,
            uses=draw(held),
        )
    if kind == "member":
        return PercentOff(
            platform,
            "platform",
            Decimal("0.95"),
            requires_member="vip",
            cap=draw(st.sampled_from([None, Decimal(20)])),
            shop=draw(st.sampled_from([None, None, "A"])),
        )
    if kind == "free":
        return FreeShipping(platform, Decimal(99))
    return Credit(platform, Decimal(500), Decimal(550))


@st.composite
def carts(draw: st.DrawFn, max_items: int = 8) -> Cart:
    count = draw(st.integers(min_value=1, max_value=max_items))
    found = tuple(draw(items(index)) for index in range(count))
    return Cart(
        now=TODAY,
        items=found,
        promotions=tuple(draw(st.lists(promotions(), max_size=5))),
        members=("vip",),
        subsidy_used=tuple(draw(st.sampled_from([(), ("phone",)]))),
        budget=draw(st.sampled_from([None, None, Decimal(600)])),
    )


#: Prices around the subsidy's two turning points (cn-2025-digital: 15% up to 500, for
#: items at most 6000): the cap binds from 3333.34, and the ceiling at 6000.
NEAR_CEILING = st.sampled_from([Decimal(v) for v in (2900, 3400, 5950, 6030, 6080, 6150, 6400)])


@st.composite
def ceiling_carts(draw: st.DrawFn) -> Cart:
    """Carts of 2-4 items on one or two platforms where held coupons decide subsidies: a
    subsidised item priced near the 6000 ceiling (or the cap), companions that share the
    discounts, cross-store 每满, shop and platform coupons held once (so orders compete
    for them) and a capped member discount. Whether a coupon reaches the item's order
    can move it across the ceiling, or its 15% by a share of the coupon."""
    platforms = draw(st.sampled_from([("tmall",), ("tmall", "jd")]))
    found = []
    for index in range(draw(st.integers(min_value=2, max_value=4))):
        digital = index == 0 or draw(st.booleans())
        offers = tuple(
            Offer(
                platform=platform,
                shop=draw(st.sampled_from(SHOPS)),
                price=draw(NEAR_CEILING) if digital else draw(money),
                cross_store=draw(st.booleans()),
                subsidy="cn-2025-digital" if digital else None,
            )
            for platform in draw(st.sampled_from([platforms[:1], platforms]))
        )
        category = draw(st.sampled_from(["phone", "watch"])) if digital else "snack"
        found.append(Item(f"i{index}", f"item {index}", 1, offers, category=category))
    promos: list[Promotion] = [
        EveryOff("tmall", "cross_store", Decimal(300), Decimal(50)),
        PercentOff("tmall", "platform", Decimal("0.95"), cap=Decimal(100), requires_member="vip"),
    ]
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        platform = draw(st.sampled_from(platforms))
        if draw(st.booleans()):
            tiers = draw(
                st.sampled_from(
                    [
                        ((Decimal(199), Decimal(20)), (Decimal(399), Decimal(50))),
                        ((Decimal(1000), Decimal(150)),),
                    ]
                )
            )
            shop = draw(st.sampled_from(SHOPS))
            promos.append(Threshold(platform, "shop", tiers, shop=shop, coupon=True))
        else:
            over = Decimal(draw(st.sampled_from([299, 2000])))
            off = Decimal(draw(st.sampled_from([30, 120])))
            promos.append(Threshold(platform, "platform", ((over, off),), coupon=True))
    return Cart(now=TODAY, items=tuple(found), promotions=tuple(promos), members=("vip",))


def orders_allowed(cart: Cart) -> int:
    """Orders per platform the brute force (and so the optimiser) may use: the number of
    set partitions grows fast, so bigger carts are searched with fewer orders."""
    count = len(cart.items)
    return 3 if count <= 4 else 2 if count <= 6 else 1


def objective(cart: Cart, priced: PricedCart, pricing: Pricing) -> Decimal:
    """The optimiser's objective: the total, less what bought optional items are worth."""
    bought = {item.id for item in priced.items}
    worth = sum(
        (
            standalone_cost(cart, item, pricing)
            for item in cart.items
            if item.optional and item.id in bought
        ),
        Decimal(0),
    )
    return priced.total - worth


def brute_force(cart: Cart, pricing: Pricing, orders: int) -> tuple[Decimal, PricedCart] | None:
    """The least objective over every assignment within the budget, or None if none fits."""
    worth = {
        item.id: standalone_cost(cart, item, pricing)
        for item in cart.items
        if item.optional and any(o.limit is None or item.qty <= o.limit for o in item.offers)
    }
    best: tuple[Decimal, PricedCart] | None = None
    for assignment in assignments(cart, orders):
        priced = price(cart, assignment, pricing)
        if cart.budget is not None and priced.total > cart.budget:
            continue
        value = priced.total - sum((worth[i] for i in assignment if i in worth), Decimal(0))
        if best is None or value < best[0]:
            best = (value, priced)
    return best


def assignments(cart: Cart, orders: int) -> Iterator[dict[str, Pick]]:
    """Every plan: an allowed offer per item (optional items also left out), and per
    platform every partition of its items into at most `orders` checkouts."""
    choices = []
    for item in cart.items:
        allowed = [i for i, o in enumerate(item.offers) if o.limit is None or item.qty <= o.limit]
        choices.append(([None] if item.optional else []) + allowed)
    for offer_choice in itertools.product(*choices):
        on: dict[str, list[int]] = {}
        for index, offer in enumerate(offer_choice):
            if offer is not None:
                platform = cart.items[index].offers[offer].platform
                on.setdefault(platform, []).append(index)
        groups = [list(_partitions(len(members), orders)) for members in on.values()]
        for labelling in itertools.product(*groups):
            picks: dict[str, Pick] = {}
            for members, labels in zip(on.values(), labelling, strict=True):
                for index, label in zip(members, labels, strict=True):
                    offer = offer_choice[index]
                    assert offer is not None
                    picks[cart.items[index].id] = Pick(offer, str(label))
            yield picks


def _partitions(count: int, blocks: int) -> Iterator[tuple[int, ...]]:
    """Restricted growth strings: each set partition of `count` items into <= `blocks`."""

    def grow(prefix: tuple[int, ...], used: int) -> Iterator[tuple[int, ...]]:
        if len(prefix) == count:
            yield prefix
            return
        for label in range(min(used + 1, blocks)):
            yield from grow((*prefix, label), max(used, label + 1))

    yield from grow((), 0)


def held_twice(cart: Cart) -> Cart:
    """The cart with every coupon held twice (`uses = 2`): a coupon is spent by each order
    that uses it, so two checkouts earn one twice only if the shopper holds two."""
    return replace(
        cart,
        promotions=tuple(
            replace(p, uses=2) if isinstance(p, EveryOff | Threshold | PercentOff) else p
            for p in cart.promotions
        ),
    )


def required_only(cart: Cart) -> Cart:
    """The cart without its optional items."""
    return replace(cart, items=tuple(item for item in cart.items if not item.optional))


def solo_assignment(cart: Cart, pricing: Pricing) -> dict[str, Pick]:
    """Buying the items one by one: each required item at the offer cheapest on its own,
    in a checkout of its own (still one shopper: one subsidy per category)."""
    picks = {}
    for item in cart.items:
        if item.optional:
            continue
        alone = replace(cart, items=(item,), budget=None)
        allowed = [i for i, o in enumerate(item.offers) if o.limit is None or item.qty <= o.limit]
        best = min(allowed, key=lambda i: price(alone, {item.id: Pick(i)}, pricing).total)
        picks[item.id] = Pick(best, f"solo-{item.id}")
    return picks
