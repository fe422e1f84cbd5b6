"""Shopping credit (购物金): top up X, get Y to spend on one platform.

Credit changes the cash paid, not any threshold, so it is applied after everything else.
Its bonus (Y - X) counts as a saving only if the whole balance is spent in this cart:
an unused balance is money parked on the platform, so the plan reports it separately
instead of calling it a saving.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from planner.cart import Cart, Credit
from planner.ledger import Line
from planner.money import ZERO, allocate, cents
from planner.rules import Rulebook
from planner.wording import Words, words

__all__ = ["CreditOutcome", "apply_credit"]


@dataclass(frozen=True)
class CreditOutcome:
    """A shopping-credit offer (购物金) and whether it pays off with this spending."""

    platform: str
    pay: Decimal
    get: Decimal
    at: date | None
    spent: Decimal
    used: bool
    saving: Decimal
    unused_balance: Decimal


def apply_credit(
    lines: Sequence[Line], cart: Cart, rules: Rulebook, notes: list[Words]
) -> list[CreditOutcome]:
    """购物金 per platform: counted as a saving only if the whole balance is spent.

    Credit changes the cash paid, not any threshold, so it comes after everything else.
    Of several offers on one platform, the fully used one with the largest bonus applies.
    """
    outcomes: list[CreditOutcome] = []
    by_platform: dict[str, list[Credit]] = {}
    for promo in cart.promotions:
        if isinstance(promo, Credit):
            by_platform.setdefault(rules.canonical(promo.platform), []).append(promo)
    for platform, offers in by_platform.items():
        mine = [ln for ln in lines if rules.canonical(ln.offer.platform) == platform]
        spent = sum((ln.amount for ln in mine), ZERO)
        usable = [c for c in offers if spent >= c.get and c.get > c.pay]
        chosen = max(usable, key=lambda c: c.get - c.pay, default=None)
        for credit in offers:
            used = credit is chosen
            saving = credit.get - credit.pay if used else ZERO
            outcomes.append(
                CreditOutcome(
                    platform,
                    credit.pay,
                    credit.get,
                    credit.at,
                    spent,
                    used,
                    saving,
                    ZERO if used else max(credit.get - spent, ZERO),
                )
            )
            if not used:
                why = "credit_unused" if spent < credit.get else "credit_other"
                terms = {"platform": platform, "pay": credit.pay, "get": credit.get}
                notes.append(words(why, spent=cents(spent), **terms))
        if chosen is not None:
            label = words("credit", pay=chosen.pay, get=chosen.get)
            shares = allocate(chosen.get - chosen.pay, [ln.amount for ln in mine])
            for line, share in zip(mine, shares, strict=True):
                line.apply("credit", label, -share)
    return outcomes
