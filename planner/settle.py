"""The stages after the coupons: the subsidy per item (one per category per person),
shipping, the presale deposit floor; and what an order costs in hand once they are
settled, the measure by which held coupons are handed out (`planner.coupons`).

Shopping credit, last of all, lives in `planner.credit`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass
from decimal import Decimal

from planner.cart import Cart, Credit, Item
from planner.credit import apply_credit
from planner.errors import PlanError
from planner.ledger import Discount, Line
from planner.money import ZERO, allocate, cents
from planner.order_discounts import ShopFee
from planner.rules import Rulebook
from planner.subsidy import SubsidyProgramme
from planner.wording import Words, words

__all__ = [
    "OrderKey",
    "Settling",
    "apply_shipping",
    "apply_subsidies",
    "keep_deposits",
    "order_links",
    "settled_total",
    "settling",
    "subsidy_if_held",
]

#: An order: its platform (canonical) and the key the cart's picks give it.
OrderKey = tuple[str, str]


def apply_shipping(shop_fees: Sequence[ShopFee]) -> list[Discount]:
    """Add each shop's fee to its items, in proportion to their amounts."""
    applied = []
    for shop, fee, shop_lines in shop_fees:
        label = words("shipping", shop=shop)
        shares = allocate(fee, [ln.amount for ln in shop_lines])
        for line, share in zip(shop_lines, shares, strict=True):
            line.apply("shipping", label, share)
        applied.append(Discount("shipping", label, fee, shop))
    return applied


def keep_deposits(lines: Sequence[Line]) -> None:
    """A presale item never costs less than its deposits: discounts beyond the balance
    are lost (the balance floors at zero, and 定金 is not paid back)."""
    for line in lines:
        if line.offer.presale is None:
            continue
        deposits = line.offer.presale.deposit * line.item.qty
        if line.amount < deposits:
            line.apply("presale", words("presale_floor"), deposits - line.amount)


def apply_subsidies(
    lines: Sequence[Line],
    cart: Cart,
    subsidies: Mapping[str, SubsidyProgramme],
    rules: Rulebook,
    notes: list[Words],
) -> dict[OrderKey, list[Discount]]:
    """国补 last, per item, one item per category per person (the largest subsidy wins).

    The subsidy covers one unit: with qty > 1 only one pack's price is subsidised.
    """
    best: dict[str, tuple[Decimal, Line, Words]] = {}
    for line in lines:
        pid = line.offer.subsidy
        if pid is None:
            continue
        programme = subsidies.get(pid)
        if programme is None:
            known = ", ".join(sorted(subsidies))
            raise PlanError(
                f"item {line.item.id}: unknown subsidy programme {pid!r}",
                f"use one of {known} or add it to your subsidies",
                zh=(
                    f"商品 {line.item.id}：未知的补贴项目 {pid!r}",
                    f"用 {known} 之一，或把它加到补贴表中",
                ),
            )
        category = _category(line.item)
        if category in cart.subsidy_used:
            notes.append(words("no_subsidy_used", item=line.item.id, category=category))
            continue
        price = line.amount / line.item.qty
        amount, why = programme.amount(price, line.offer.energy_grade)
        if amount <= 0:
            notes.append(_no_subsidy(line, why, price, programme))
            continue
        if category not in best or amount > best[category][0]:
            if category in best:
                loser = best[category][1].item.id
                notes.append(
                    words("no_subsidy_taken", item=loser, category=category, winner=line.item.id)
                )
            best[category] = (amount, line, _subsidy_words(programme, amount, line))
        else:
            winner = best[category][1].item.id
            notes.append(
                words("no_subsidy_taken", item=line.item.id, category=category, winner=winner)
            )
    applied: dict[OrderKey, list[Discount]] = {}
    for amount, line, label in best.values():
        line.apply("subsidy", label, -amount)
        key = (rules.canonical(line.offer.platform), line.order)
        applied.setdefault(key, []).append(Discount("subsidy", label, amount, line.offer.shop))
    return applied


def subsidy_if_held(line: Line, cart: Cart, subsidies: Mapping[str, SubsidyProgramme]) -> Decimal:
    """The subsidy `line` would get at its amount now, if it held its category's quota
    (`apply_subsidies` without the competition between items): an upper bound on what
    it gets, which the optimiser's cuts rely on."""
    programme = subsidies.get(line.offer.subsidy) if line.offer.subsidy else None
    if programme is None or _category(line.item) in cart.subsidy_used:
        return ZERO
    return programme.amount(line.amount / line.item.qty, line.offer.energy_grade)[0]


def _no_subsidy(line: Line, why: str, price: Decimal, programme: SubsidyProgramme) -> Words:
    """The note for an item that gets no subsidy: `why` is the programme's note form, or
    the rate that came to nothing."""
    by_form: dict[str, dict[str, object]] = {
        "no_subsidy_grade": {"grade": line.offer.energy_grade},
        "no_subsidy_ceiling": {"price": cents(price), "ceiling": programme.ceiling},
    }
    facts = by_form.get(why, {"rate": why})
    form = why if why.startswith("no_subsidy") else "no_subsidy_nil"
    return words(form, item=line.item.id, **facts)


def _subsidy_words(programme: SubsidyProgramme, amount: Decimal, line: Line) -> Words:
    """What a granted subsidy says: the programme, its rate, and its cap when it bit."""
    rate = programme.rate_for(line.offer.energy_grade) or ZERO
    shown = f"{(rate * 100).normalize():f}%"
    if programme.cap is not None and amount == programme.cap:
        return words("subsidy_capped", programme=programme.id, rate=shown, cap=programme.cap)
    return words("subsidy", programme=programme.id, rate=shown)


def _category(item: Item) -> str:
    """The subsidy category: the item's category, or (without one) the item itself."""
    return item.category or f"item:{item.id}"


def settled_total(
    runs: Iterable[tuple[Sequence[Line], Sequence[ShopFee]]],
    cart: Cart,
    subsidies: Mapping[str, SubsidyProgramme],
    rules: Rulebook,
) -> Decimal:
    """What these orders (each its lines after the coupons and the shipping it owes) cost
    in hand: subsidies, shipping, deposits and shopping credit settled on copies of their
    lines as `planner.cost.price` settles them on the cart's. The handout's measure: a
    coupon goes where it saves most counting the subsidy it unlocks or loses, not only
    its own saving."""
    lines: list[Line] = []
    fees: list[ShopFee] = []
    for run_lines, run_fees in runs:
        copies = [_bare_copy(line) for line in run_lines]
        lines.extend(copies)
        mine = {id(line): copy for line, copy in zip(run_lines, copies, strict=True)}
        fees.extend((shop, fee, [mine[id(ln)] for ln in shared]) for shop, fee, shared in run_fees)
    apply_subsidies(lines, cart, subsidies, rules, [])
    apply_shipping(fees)
    keep_deposits(lines)
    apply_credit(lines, cart, rules, [])
    return sum((cents(line.amount) for line in lines), ZERO)


@dataclass(frozen=True)
class Settling:
    """One order's part of a settled total where only the subsidy quota couples it to
    others (`settling`): its amount with its shipping, and per subsidy category the
    largest subsidy one of its lines would get holding the quota."""

    amount: Decimal
    subsidies: Mapping[str, Decimal]

    @staticmethod
    def total(parts: Iterable[Settling]) -> Decimal:
        """`settled_total` of the orders these are: their amounts, less per category the
        largest subsidy (one item per category per person, the largest wins)."""
        amount, best = ZERO, dict[str, Decimal]()
        for part in parts:
            amount += part.amount
            for category, subsidy in part.subsidies.items():
                best[category] = max(best.get(category, ZERO), subsidy)
        return amount - sum(best.values(), ZERO)


def settling(
    lines: Sequence[Line],
    fees: Sequence[ShopFee],
    cart: Cart,
    subsidies: Mapping[str, SubsidyProgramme],
    rules: Rulebook,
) -> Settling | None:
    """An order's `Settling`, or None where summing them would not give `settled_total`.

    The coupon handout measures every combination of its orders' outcomes in hand
    (`planner.coupons`), and settling copies of the lines for each took most of the time
    of pricing a plan in many orders. Where nothing but the subsidy quota links the
    lines after the coupons, the total in hand is a sum: every amount is in whole cents,
    so shipping shares (which `allocate` makes sum to the fee) and subsidies (whole
    cents) change no rounding. Not so with a presale deposit floor (it depends on the
    line's shipping share) or shopping credit (judged on a platform's spending), and an
    unknown programme must raise as `apply_subsidies` raises: None then, and the caller
    settles in full."""
    platforms = {rules.canonical(line.offer.platform) for line in lines}
    if any(
        isinstance(promo, Credit) and rules.canonical(promo.platform) in platforms
        for promo in cart.promotions
    ):
        return None
    best: dict[str, Decimal] = {}
    amount = ZERO
    for line in lines:
        if line.offer.presale is not None or line.amount != cents(line.amount):
            return None
        if line.offer.subsidy is not None and line.offer.subsidy not in subsidies:
            return None
        amount += line.amount
        subsidy = subsidy_if_held(line, cart, subsidies)
        if subsidy > 0:
            category = _category(line.item)
            best[category] = max(best.get(category, ZERO), subsidy)
    for _, fee, _ in fees:
        if fee != cents(fee):
            return None
        amount += fee
    return Settling(amount, best)


def _bare_copy(line: Line) -> Line:
    """A copy of `line` that later stages may change, without its history of steps: only
    its amount is measured (a full copy with `dataclasses.replace` took a third of the
    time of pricing a 200-item plan in 12 orders)."""
    bare = copy(line)
    bare.steps = []
    return bare


def order_links(
    platform: str, lines: Sequence[Line], cart: Cart, rules: Rulebook
) -> frozenset[str]:
    """What settles this order together with others after the coupons: each subsidy
    category it may claim (one item per category per person, across orders) and its
    platform's shopping credit (judged on the platform's whole spending)."""
    tags = {
        f"subsidy:{_category(line.item)}"
        for line in lines
        if line.offer.subsidy is not None and _category(line.item) not in cart.subsidy_used
    }
    if any(
        isinstance(promo, Credit) and rules.canonical(promo.platform) == platform
        for promo in cart.promotions
    ):
        tags.add(f"credit:{platform}")
    return frozenset(tags)
