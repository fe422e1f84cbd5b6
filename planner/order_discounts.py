"""Order-level discounts: shop promotions, cross-store thresholds, coupons, member percent.

Each function works on the lines of ONE order (one checkout on one platform), changes
their amounts through `Line.apply` and returns what it applied as `Discount`s. A discount
that covers several items is split over them in proportion to their amounts, in cents,
largest remainder first, as the platforms split it for refunds; so the items' steps
always add up to the order.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from planner.cart import EveryOff, FreeShipping, PercentOff, Promotion, Threshold
from planner.ledger import Discount, Line
from planner.money import ZERO, allocate, cents
from planner.rules import PlatformRules
from planner.wording import words

__all__ = [
    "ShopFee",
    "apply_cross_store",
    "apply_member",
    "apply_platform_coupon",
    "apply_shop_level",
    "shipping_fees",
]

Offable = EveryOff | Threshold | PercentOff

#: A shop's shipping fee in one order, and the items that share it.
ShopFee = tuple[str, Decimal, list[Line]]


def describe(promo: Offable, off: Decimal) -> str:
    """A short label for a promotion as applied: `满400减50`, `每满300减50`, `95折`."""
    if promo.label:
        return promo.label
    if isinstance(promo, EveryOff):
        return f"每满{promo.every}减{promo.off}"
    if isinstance(promo, Threshold):
        tier = max(((o, d) for o, d in promo.tiers if d == off), default=(ZERO, off))
        return f"满{tier[0]}减{tier[1]}" if tier[0] > 0 else f"无门槛减{tier[1]}"
    rate = f"{(promo.rate * 10).normalize():f}折"
    return f"{promo.requires_member.upper()} {rate}" if promo.requires_member else rate


def _off(promo: Offable, base: Decimal) -> Decimal:
    """The discount a promotion gives on `base`, in cents, never more than the base."""
    return cents(min(promo.discount(base), base)) if base > 0 else ZERO


def _covered(promo: Offable, lines: Sequence[Line]) -> list[int]:
    return [
        i
        for i, line in enumerate(lines)
        if promo.eligible.covers(line.item) and promo.shop in (None, line.offer.shop)
    ]


def apply_shop_level(
    lines: Sequence[Line], promos: Sequence[Promotion], rules: PlatformRules
) -> list[Discount]:
    """Per shop: the best shop 满减 and the best shop coupon, stacked as the platform stacks."""
    applied: list[Discount] = []
    for shop in dict.fromkeys(line.offer.shop for line in lines):
        shop_lines = [line for line in lines if line.offer.shop == shop]
        mine = [
            p
            for p in promos
            if isinstance(p, Offable)
            and p.scope == "shop"
            and not (isinstance(p, PercentOff) and p.requires_member)
            and (p.shop is None or p.shop == shop)
        ]
        plain: list[Offable | None] = [None, *(p for p in mine if not p.coupon)]
        if rules.shop_thresholds == "sequential":
            plain = [_automatic(shop_lines, plain)]
        coupons = [None, *(p for p in mine if p.coupon)]
        best: tuple[Decimal, list[tuple[Offable, Decimal, list[Decimal]]]] = (ZERO, [])
        for first in plain:
            for second in coupons:
                outcome = _stack(shop_lines, [p for p in (first, second) if p], rules)
                if outcome is not None and sum((o for _, o, _ in outcome), ZERO) > best[0]:
                    best = (sum((o for _, o, _ in outcome), ZERO), outcome)
        for promo, off, shares in best[1]:
            kind = "shop_coupon" if promo.coupon else "shop"
            label = words(kind, promo=describe(promo, off))
            for line, share in zip(shop_lines, shares, strict=True):
                line.apply(kind, label, -share)
            applied.append(Discount(kind, label, off, shop, promo))
    return applied


def _automatic(lines: Sequence[Line], plain: Sequence[Offable | None]) -> Offable | None:
    """The shop 满减 a sequential checkout applies by itself: the best one reached.

    A shop 满减 is not a coupon the shopper may keep for later; when it is reached it
    applies, and only then is the coupon's threshold judged.
    """
    best, best_off = None, ZERO
    for promo in plain:
        if promo is None:
            continue
        off = _off(promo, sum((lines[i].amount for i in _covered(promo, lines)), ZERO))
        if off > best_off:
            best, best_off = promo, off
    return best


def _stack(
    lines: Sequence[Line], promos: Sequence[Offable], rules: PlatformRules
) -> list[tuple[Offable, Decimal, list[Decimal]]] | None:
    """Try promos in order; None if the combination is not allowed (parallel below zero)."""
    amounts = [line.amount for line in lines]
    judged = list(amounts)
    outcome = []
    for promo in promos:
        covered = _covered(promo, lines)
        off = _off(promo, sum((judged[i] for i in covered), ZERO))
        weights = [amounts[i] if i in covered else ZERO for i in range(len(lines))]
        shares = allocate(off, weights) if off > 0 else [ZERO] * len(lines)
        amounts = [a - s for a, s in zip(amounts, shares, strict=True)]
        if rules.shop_thresholds == "sequential":
            judged = list(amounts)
        outcome.append((promo, off, shares))
    if any(a < 0 for a in amounts):
        return None
    return outcome


def apply_cross_store(
    lines: Sequence[Line], promos: Sequence[Promotion], rules: PlatformRules
) -> list[Discount]:
    """跨店满减 on the order's cross-store items, with the platform's zero rule."""
    best: tuple[Decimal, Offable | None, list[Decimal], list[Line]] = (ZERO, None, [], [])
    for promo in promos:
        if not isinstance(promo, EveryOff | Threshold) or promo.scope != "cross_store":
            continue
        eligible = [ln for ln in lines if ln.offer.cross_store and promo.eligible.covers(ln.item)]
        bases = [
            ln.item_level if rules.cross_store_base == "after_item" else ln.amount
            for ln in eligible
        ]
        total, shares = _cross_store_outcome(promo, eligible, bases, rules)
        if total > best[0]:
            best = (total, promo, shares, eligible)
    total, winner, shares, eligible = best
    if winner is None:
        return []
    label = words("cross_store", promo=describe(winner, total))
    for line, share in zip(eligible, shares, strict=True):
        line.apply("cross_store", label, -share)
    return [Discount("cross_store", label, total, None, promo)]


def _cross_store_outcome(
    promo: EveryOff | Threshold,
    lines: Sequence[Line],
    bases: Sequence[Decimal],
    rules: PlatformRules,
) -> tuple[Decimal, list[Decimal]]:
    """The discount that survives the zero rule, and its shares per line."""
    base = sum(bases, ZERO)
    for off in _candidates(promo, base, rules.zero_rule == "best_feasible"):
        shares = allocate(off, list(bases))
        hits = [s > 0 and ln.amount - s <= 0 for ln, s in zip(lines, shares, strict=True)]
        if not any(hits):
            return off, shares
        if rules.zero_rule == "floor":
            kept = [min(s, max(ln.amount, ZERO)) for ln, s in zip(lines, shares, strict=True)]
            return sum(kept, ZERO), kept
        if rules.zero_rule == "void":
            break
    return ZERO, [ZERO] * len(lines)


def _candidates(promo: EveryOff | Threshold, base: Decimal, all_smaller: bool) -> list[Decimal]:
    """The discounts to try, best first: only the full one, or every smaller one too."""
    full = cents(promo.discount(base)) if base > 0 else ZERO
    if full <= 0:
        return []
    if not all_smaller:
        return [full]
    if isinstance(promo, EveryOff):
        times = int(full // promo.off) if promo.off > 0 else 0
        smaller = [promo.off * k for k in range(times, 0, -1)]
    else:
        smaller = sorted({off for over, off in promo.tiers if base >= over}, reverse=True)
    return sorted({full, *(cents(s) for s in smaller if s <= full)}, reverse=True)


def _apply_best(
    lines: Sequence[Line], options: Sequence[Offable], kind: str, only_best: bool
) -> list[Discount]:
    """Apply the best option (`only_best`) or every option in turn, each on the amounts
    its predecessors left, split over the items it covers."""
    if only_best:
        offs = [
            (_off(p, sum((lines[i].amount for i in _covered(p, lines)), ZERO)), p) for p in options
        ]
        options = [max(offs, key=lambda o: o[0])[1]] if offs else []
    applied = []
    for promo in options:
        covered = _covered(promo, lines)
        off = _off(promo, sum((lines[i].amount for i in covered), ZERO))
        if off <= 0:
            continue
        label = words(kind, promo=describe(promo, off))
        shares = allocate(off, [lines[i].amount for i in covered])
        for i, share in zip(covered, shares, strict=True):
            lines[i].apply(kind, label, -share)
        applied.append(Discount(kind, label, off, None, promo))
    return applied


def apply_platform_coupon(lines: Sequence[Line], promos: Sequence[Promotion]) -> list[Discount]:
    """The single best platform coupon / red packet / percent coupon for the order."""
    options = [
        p
        for p in promos
        if isinstance(p, Offable)
        and p.scope == "platform"
        and not (isinstance(p, PercentOff) and p.requires_member)
    ]
    return _apply_best(lines, options, "platform_coupon", only_best=True)


def apply_member(
    lines: Sequence[Line], promos: Sequence[Promotion], members: Sequence[str]
) -> list[Discount]:
    """Member percent discounts (88VIP, JD PLUS) the shopper holds, each in turn, capped."""
    options = [
        p
        for p in promos
        if isinstance(p, PercentOff) and p.requires_member and p.requires_member in members
    ]
    return _apply_best(lines, options, "member", only_best=False)


def shipping_fees(lines: Sequence[Line], promos: Sequence[Promotion]) -> list[ShopFee]:
    """Per shop: the shipping fee the order pays (the highest of its items' fees) or zero
    when a free-shipping threshold is reached on the goods amount after discounts."""
    fees = []
    for shop in dict.fromkeys(line.offer.shop for line in lines):
        shop_lines = [line for line in lines if line.offer.shop == shop]
        fee = max(line.offer.shipping for line in shop_lines)
        goods = sum((line.amount for line in shop_lines), ZERO)
        free = any(
            isinstance(p, FreeShipping) and (p.shop is None or p.shop == shop) and goods >= p.over
            for p in promos
        )
        if fee > 0 and not free:
            fees.append((shop, fee, shop_lines))
    return fees
