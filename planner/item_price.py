"""Item-level pricing: what one item's packs cost from one offer before any order forms.

Presale expansion, then 官方立减/直降 per pack, then the multi-buy across the item's packs
(cart.md, "How one order is priced", step 1). The result does not depend on what else is
in the order, which is what lets the optimiser treat it as a constant per (item, offer).
"""

from __future__ import annotations

from decimal import Decimal

from planner.cart import Item, Offer
from planner.ledger import Step
from planner.money import CENT, ZERO, cents, round_half_up
from planner.rules import PlatformRules
from planner.wording import Words, words

__all__ = ["instant_off_per_pack", "item_level"]


def item_level(item: Item, offer: Offer, rules: PlatformRules) -> tuple[Decimal, tuple[Step, ...]]:
    """The amount for `item.qty` packs from `offer` after item-level offers, with its steps."""
    qty = item.qty
    steps: list[Step] = []
    total = ZERO

    def step(kind: str, what: Words, delta: Decimal) -> None:
        nonlocal total
        total += delta
        if delta != 0 or not steps:
            steps.append(Step(what, delta, total, kind))

    if offer.list_price is not None and offer.list_price > offer.price:
        step("price", words("list_price", price=offer.list_price, qty=qty), offer.list_price * qty)
        step("activity", words("activity"), (offer.price - offer.list_price) * qty)
    else:
        step("price", words("price", price=offer.price, qty=qty), offer.price * qty)
    unit = offer.price
    if offer.presale is not None:
        # The deposit is paid whatever the expansion is worth: the pack never costs less.
        saving = max(min(offer.presale.saving, unit - offer.presale.deposit), ZERO)
        unit -= saving
        step("presale", _presale_label(offer), -saving * qty)
    if offer.instant_off is not None:
        off = instant_off_per_pack(offer, unit, rules)
        unit -= off
        step("instant_off", words("instant_off", offer=offer.instant_off.text), -off * qty)
    if offer.multibuy is not None:
        after = cents(offer.multibuy.total(unit, qty))
        step("multibuy", words("multibuy", offer=offer.multibuy.text), after - unit * qty)
    return total, tuple(steps)


def instant_off_per_pack(offer: Offer, unit: Decimal, rules: PlatformRules) -> Decimal:
    """官方立减 on one pack priced `unit`, rounded as the platform rounds, never above `unit`.

    The percentage applies to the pack's price at this step (after a presale), and Tmall
    rounds it half-up by the listing's activity price (`offer.price`): to the whole yuan
    above 100, to 0.1 yuan above 10, to the cent below ("tiered"); other platforms round
    to the cent.
    """
    assert offer.instant_off is not None
    if offer.instant_off.amount is not None:
        return min(offer.instant_off.amount, unit)
    rate = offer.instant_off.rate or ZERO
    raw = unit * rate
    step = CENT
    if rules.instant_off_rounding == "tiered":
        activity = offer.price
        step = Decimal(1) if activity > 100 else Decimal("0.1") if activity > 10 else CENT
    return min(round_half_up(raw, step), unit)


def _presale_label(offer: Offer) -> Words:
    presale = offer.presale
    assert presale is not None
    if presale.reduction is not None:
        return words("presale_cut", deposit=presale.deposit, cut=presale.reduction)
    worth = presale.deposit if presale.worth is None else presale.worth
    return words("presale_worth", deposit=presale.deposit, worth=worth)
