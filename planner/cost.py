"""The cost engine: price ONE given assignment of a cart, step by step, exactly.

`price(cart, assignment, pricing)` follows cart.md's "How one order is priced": item
level (presale, 官方立减, multi-buy), shop level, cross-store per order with the zero rule,
one platform coupon per order, member percent, then the subsidy per item, shipping, and
shopping credit per platform; then the payment schedule and per-unit costs. It chooses
nothing but the best coupon/tier within an order (as a checkout does); which offer and
which order each item goes to is the caller's choice (the optimiser, or the naive plan),
so the optimiser can call it to verify a solution and to price the naive plan.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from copy import copy
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

from planner.cart import Cart, Promotion, is_coupon
from planner.coupons import Outcome, assign_coupons
from planner.credit import CreditOutcome, apply_credit
from planner.errors import PlanError
from planner.item_price import item_level
from planner.ledger import Discount, Line, Step
from planner.money import ZERO, cents
from planner.order_discounts import (
    ShopFee,
    apply_cross_store,
    apply_member,
    apply_platform_coupon,
    apply_shop_level,
    shipping_fees,
)
from planner.payments import Payment, balance_window_conflicts, schedule
from planner.rules import PlatformRules, Rulebook, load_rulebook
from planner.settle import (
    OrderKey,
    Settling,
    apply_shipping,
    apply_subsidies,
    keep_deposits,
    order_links,
    settled_total,
    settling,
    subsidy_if_held,
)
from planner.subsidy import SubsidyProgramme, load_subsidies
from planner.wording import Words

__all__ = [
    "CreditOutcome",
    "Payment",
    "Pick",
    "PricedCart",
    "PricedItem",
    "PricedOrder",
    "Pricing",
    "Step",
    "most_subsidy",
    "naive_assignment",
    "price",
]


#: An order: (canonical platform, order key).


@dataclass(frozen=True)
class Pick:
    """Where one item is bought: `item.offers[offer]`, in checkout `order` on its platform.

    Items on the same platform with the same `order` key are paid together; the empty key
    is "the platform's one order", which is what the naive plan uses.
    """

    offer: int = 0
    order: str = ""


@dataclass(frozen=True)
class Pricing:
    """The rules a cart is priced under: platform stacking rules and subsidy programmes."""

    rules: Rulebook
    subsidies: Mapping[str, SubsidyProgramme]

    @classmethod
    def load(cls, user_rules: Path | None = None, user_subsidies: Path | None = None) -> Pricing:
        """Shipped rules and subsidy tables, with the user's files overriding them."""
        return cls(load_rulebook(user_rules), load_subsidies(user_subsidies))


@dataclass(frozen=True)
class PricedItem:
    """One item as bought: its steps from list price to in-hand amount, and per unit."""

    id: str
    name: str
    platform: str
    shop: str
    order: str
    offer_index: int
    qty: int
    steps: tuple[Step, ...]
    in_hand: Decimal
    per_unit: Decimal
    unit: str
    quantity: Decimal


@dataclass(frozen=True)
class PricedOrder:
    """One checkout: platform, order key, shops, items, each discount applied, total."""

    platform: str
    key: str
    shops: tuple[str, ...]
    item_ids: tuple[str, ...]
    discounts: tuple[Discount, ...]
    total: Decimal
    coupons: tuple[int, ...] = ()  # the held coupons it spent, as indices in cart.promotions


@dataclass(frozen=True)
class PricedCart:
    """A fully priced assignment: the numbers a plan reports."""

    total: Decimal
    items: tuple[PricedItem, ...]
    orders: tuple[PricedOrder, ...]
    payments: tuple[Payment, ...]
    credits: tuple[CreditOutcome, ...]
    notes: tuple[Words, ...]


def price(cart: Cart, assignment: Mapping[str, Pick], pricing: Pricing) -> PricedCart:
    """Price `assignment` (item id -> Pick; optional items absent are not bought).

    Raises PlanError if a required item is missing, an offer index is out of range, or a
    quantity exceeds the offer's per-person limit.
    """
    lines = _lines(cart, assignment, pricing)
    notes: list[Words] = []
    groups: dict[OrderKey, list[Line]] = {}
    for line in lines:
        key = (pricing.rules.canonical(line.offer.platform), line.order)
        groups.setdefault(key, []).append(line)
    discounts, fees, spent = _order_level(cart, groups, pricing)
    for order_lines in groups.values():
        notes.extend(balance_window_conflicts(order_lines))
    for key, applied in apply_subsidies(
        lines, cart, pricing.subsidies, pricing.rules, notes
    ).items():
        discounts[key].extend(applied)
    for key, shop_fees in fees.items():
        discounts[key].extend(apply_shipping(shop_fees))
    keep_deposits(lines)
    if cart.now is None:
        raise ValueError("a cart is priced as of a day: set Cart.now (the caller's today)")
    credits = apply_credit(lines, cart, pricing.rules, notes)
    items = tuple(_priced_item(line, pricing) for line in lines)
    return PricedCart(
        total=sum((item.in_hand for item in items), ZERO),
        items=items,
        orders=tuple(
            _order(key, group, discounts[key], spent[key]) for key, group in groups.items()
        ),
        payments=schedule(groups, credits, cart, cart.now),
        credits=tuple(credits),
        notes=tuple(notes),
    )


def _order(
    key: OrderKey, lines: Sequence[Line], discounts: Sequence[Discount], coupons: tuple[int, ...]
) -> PricedOrder:
    return PricedOrder(
        platform=key[0],
        key=key[1],
        shops=tuple(dict.fromkeys(ln.offer.shop for ln in lines)),
        item_ids=tuple(ln.item.id for ln in lines),
        discounts=tuple(discounts),
        total=sum((ln.amount for ln in lines), ZERO),
        coupons=coupons,
    )


def _order_level(
    cart: Cart, groups: Mapping[OrderKey, list[Line]], pricing: Pricing
) -> tuple[
    dict[OrderKey, list[Discount]], dict[OrderKey, list[ShopFee]], dict[OrderKey, tuple[int, ...]]
]:
    """Every order's order-level stages, with the held coupons given to the orders where
    they save most (`planner.coupons`); the lines take the winning run's amounts. Returns
    per order its discounts, its shipping fees and the held coupons it spent."""
    # one object per entry, so a coupon listed twice is two coupons, told apart by identity
    promotions = [copy(promo) for promo in cart.promotions]
    held = {index: promo.uses for index, promo in enumerate(promotions) if is_coupon(promo)}
    sources = {id(promo): index for index, promo in enumerate(promotions)}

    def evaluate(key: OrderKey, withheld: frozenset[int]) -> Outcome[_OrderRun]:
        promos = [
            promo
            for index, promo in enumerate(promotions)
            if pricing.rules.canonical(promo.platform) == key[0] and index not in withheld
        ]
        run = _price_order(groups[key], promos, pricing.rules.for_platform(key[0]), cart.members)
        used = frozenset(
            sources[id(d.source)] for d in run.discounts if sources.get(id(d.source)) in held
        )
        fees = sum((fee for _, fee, _ in run.fees), ZERO)
        return Outcome(sum((ln.amount for ln in run.lines), ZERO) + fees, used, run)

    # Per run (alive while the handout runs, so its id is its own): its part of a
    # settled total, or None where it must be settled in full (`planner.settle.settling`).
    parts: dict[int, Settling | None] = {}

    def in_hand(chosen: Mapping[OrderKey, Outcome[_OrderRun]]) -> Decimal:
        runs = [outcome.result for outcome in chosen.values()]
        for run in runs:
            if id(run) not in parts:
                parts[id(run)] = settling(
                    run.lines, run.fees, cart, pricing.subsidies, pricing.rules
                )
        found = [parts[id(run)] for run in runs]
        if all(part is not None for part in found):
            return Settling.total(part for part in found if part is not None)
        return settled_total(
            ((run.lines, run.fees) for run in runs), cart, pricing.subsidies, pricing.rules
        )

    discounts: dict[OrderKey, list[Discount]] = {}
    fees: dict[OrderKey, list[ShopFee]] = {}
    spent: dict[OrderKey, tuple[int, ...]] = {}
    handout = assign_coupons(
        list(groups),
        evaluate,
        held,
        in_hand=in_hand,
        links=lambda key: order_links(key[0], groups[key], cart, pricing.rules),
    )
    for key, outcome in handout.items():
        run = outcome.result
        for line, priced_line in zip(groups[key], run.lines, strict=True):
            line.amount, line.steps = priced_line.amount, priced_line.steps
        discounts[key] = list(run.discounts)
        fees[key] = _refer(run.fees, groups[key], run.lines)
        spent[key] = tuple(sorted(outcome.used))
    return discounts, fees, spent


def most_subsidy(
    cart: Cart, assignment: Mapping[str, Pick], pricing: Pricing
) -> dict[str, Decimal]:
    """For ONE order (every picked item on one platform, in one checkout): per item, the
    most subsidy it could get in this order whatever held coupons the handout gives it.

    The handout (`planner.coupons`) gives an order some subset of the held coupons, and
    which one depends on every other order of the plan; the subsidy then depends on the
    item's shares of what that subset takes off. Every outcome of a subset is reached by
    withholding, one at a time, a held coupon the order used (a checkout's choice is a
    best-of), so this walks those outcomes and keeps each item's largest subsidy, as if
    it held its category's quota. The optimiser bounds a subsidy by it for exactly this
    order's composition, in every plan (`planner.milp.search`)."""
    chosen = tuple(item for item in cart.items if item.id in assignment)
    lines = _lines(replace(cart, items=chosen), assignment, pricing)
    platform = pricing.rules.canonical(lines[0].offer.platform)
    promotions = [
        copy(p) for p in cart.promotions if pricing.rules.canonical(p.platform) == platform
    ]
    held = {id(promo) for promo in promotions if is_coupon(promo)}
    most = {line.item.id: ZERO for line in lines}
    pending: list[frozenset[int]] = [frozenset()]
    seen = set(pending)
    while pending:
        withheld = pending.pop()
        promos = [promo for promo in promotions if id(promo) not in withheld]
        run = _price_order(lines, promos, pricing.rules.for_platform(platform), cart.members)
        for line in run.lines:
            most[line.item.id] = max(
                most[line.item.id], subsidy_if_held(line, cart, pricing.subsidies)
            )
        for used in {id(d.source) for d in run.discounts} & held:
            if (more := withheld | {used}) not in seen:
                seen.add(more)
                pending.append(more)
    return most


@dataclass(frozen=True)
class _OrderRun:
    """One order priced on copies of its lines (so another run can withhold coupons)."""

    lines: list[Line]
    discounts: list[Discount]
    fees: list[ShopFee]


def _price_order(
    lines: Sequence[Line], promos: Sequence[Promotion], rules: PlatformRules, members: Sequence[str]
) -> _OrderRun:
    """The order-level stages on copies of `lines`: shop, cross-store, coupon, member, and
    the shipping each shop then owes."""
    copies = [replace(line, steps=list(line.steps)) for line in lines]
    discounts = [
        *apply_shop_level(copies, promos, rules),
        *apply_cross_store(copies, promos, rules),
        *apply_platform_coupon(copies, promos),
        *apply_member(copies, promos, members),
    ]
    return _OrderRun(copies, discounts, shipping_fees(copies, promos))


def _refer(fees: list[ShopFee], lines: Sequence[Line], copies: Sequence[Line]) -> list[ShopFee]:
    """`fees` with the copies they name replaced by the cart's own lines."""
    mine = {id(copy): line for copy, line in zip(copies, lines, strict=True)}
    return [(shop, fee, [mine[id(c)] for c in shared]) for shop, fee, shared in fees]


def naive_assignment(cart: Cart, pricing: Pricing) -> dict[str, Pick]:
    """Each required item at its cheapest offer after item-level offers, one order per
    platform: the plan a shopper makes without looking at thresholds."""
    picks = {}
    for item in cart.items:
        if item.optional:
            continue
        allowed = [
            (item_level(item, offer, pricing.rules.for_platform(offer.platform))[0], index)
            for index, offer in enumerate(item.offers)
            if offer.limit is None or item.qty <= offer.limit
        ]
        if not allowed:
            raise PlanError(
                f"item {item.id}: qty {item.qty} exceeds every offer's per-person limit",
                "lower qty or add an offer",
                zh=(
                    f"商品 {item.id}：数量 {item.qty} 超过每个报价的每人限购",
                    "减少数量或添加报价",
                ),
            )
        picks[item.id] = Pick(offer=min(allowed)[1])
    return picks


def _lines(cart: Cart, assignment: Mapping[str, Pick], pricing: Pricing) -> list[Line]:
    known = {item.id for item in cart.items}
    unknown = sorted(set(assignment) - known)
    if unknown:
        raise PlanError(
            f"the assignment names unknown items {unknown}",
            "use the cart's item ids",
            zh=(f"分配里有未知的商品 {unknown}", "用购物车中的商品 id"),
        )
    lines = []
    for item in cart.items:
        pick = assignment.get(item.id)
        if pick is None:
            if not item.optional:
                raise PlanError(
                    f"item {item.id} is not assigned to an offer",
                    "assign every item",
                    zh=(f"商品 {item.id} 没有分配到报价", "为每个商品分配报价"),
                )
            continue
        if not 0 <= pick.offer < len(item.offers):
            raise PlanError(
                f"item {item.id} has no offer #{pick.offer}",
                "pick an existing offer",
                zh=(f"商品 {item.id} 没有报价 #{pick.offer}", "选一个存在的报价"),
            )
        offer = item.offers[pick.offer]
        if offer.limit is not None and item.qty > offer.limit:
            raise PlanError(
                f"item {item.id}: qty {item.qty} exceeds the limit of {offer.limit} per person"
                f" at {offer.platform}/{offer.shop}",
                "lower qty or choose another offer",
                zh=(
                    f"商品 {item.id}：数量 {item.qty} 超过 {offer.platform}/{offer.shop}"
                    f" 每人限购 {offer.limit}",
                    "减少数量或换一个报价",
                ),
            )
        amount, steps = item_level(item, offer, pricing.rules.for_platform(offer.platform))
        lines.append(Line(item, offer, pick.offer, pick.order, amount, amount, list(steps)))
    return lines


def _priced_item(line: Line, pricing: Pricing) -> PricedItem:
    quantity = line.item.pack.quantity * line.item.qty
    return PricedItem(
        id=line.item.id,
        name=line.item.name,
        platform=pricing.rules.canonical(line.offer.platform),
        shop=line.offer.shop,
        order=line.order,
        offer_index=line.offer_index,
        qty=line.item.qty,
        steps=tuple(line.steps),
        in_hand=cents(line.amount),
        per_unit=cents(line.amount / quantity),
        unit=line.item.pack.unit,
        quantity=quantity,
    )
