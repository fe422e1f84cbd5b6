"""The payment schedule: what cash leaves the shopper's account on which day.

An order holding presale items pays their deposits (定金) on each deposit day and
everything else, normal items included, when the balance (尾款) window opens: they are
checked out together, so they are paid together. The latest window start among the order's
presale items is used, because only then can every item in it be paid. An order without
presale items is paid on `now`. Shopping credit (购物金) moves cash: the top-up is paid on
its day and the balance then pays the platform's orders earliest first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from planner.cart import Cart
from planner.credit import CreditOutcome
from planner.ledger import Line
from planner.money import ZERO
from planner.wording import Words, words

__all__ = ["Payment", "balance_window_conflicts", "schedule"]


@dataclass(frozen=True)
class Payment:
    """Cash paid on one day."""

    date: date
    amount: Decimal


def schedule(
    groups: Mapping[tuple[str, str], Sequence[Line]],
    credits: Sequence[CreditOutcome],
    cart: Cart,
    today: date,
) -> tuple[Payment, ...]:
    """Payments by date for the priced orders `groups` ((platform, key) -> lines)."""
    dated: list[tuple[date, str, Decimal]] = []
    for (platform, _), lines in groups.items():
        dated.extend((day, platform, amount) for day, amount in _order_payments(lines, today))
    for outcome in credits:
        if not outcome.used:
            continue
        # The items' amounts already carry the bonus (get - pay) as a discount, so what
        # the balance still pays of them is the top-up itself.
        dated = _pay_with_credit(dated, outcome.platform, outcome.pay)
        dated.append((outcome.at or today, outcome.platform, outcome.pay))
    by_day: dict[date, Decimal] = {}
    for day, _, amount in dated:
        by_day[day] = by_day.get(day, ZERO) + amount
    return tuple(Payment(day, amount) for day, amount in sorted(by_day.items()) if amount != 0)


def _order_payments(lines: Sequence[Line], today: date) -> list[tuple[date, Decimal]]:
    total = sum((line.amount for line in lines), ZERO)
    presale = [line for line in lines if line.offer.presale is not None]
    if not presale:
        return [(today, total)]
    payments: list[tuple[date, Decimal]] = []
    for line in presale:
        assert line.offer.presale is not None
        payments.append((line.offer.presale.deposit_at, line.offer.presale.deposit * line.item.qty))
    balance_day = max(
        line.offer.presale.balance_from.date() for line in presale if line.offer.presale
    )
    deposits = sum((amount for _, amount in payments), ZERO)
    payments.append((balance_day, total - deposits))
    return payments


def _pay_with_credit(
    dated: list[tuple[date, str, Decimal]], platform: str, balance: Decimal
) -> list[tuple[date, str, Decimal]]:
    result = []
    for day, owner, amount in sorted(dated, key=lambda entry: entry[0]):
        if owner == platform and balance > 0:
            used = min(balance, amount)
            balance -= used
            amount -= used
        result.append((day, owner, amount))
    return result


def balance_window_conflicts(lines: Sequence[Line]) -> list[Words]:
    """Presale items of one order whose balance windows do not overlap (one checkout
    cannot pay them all), as notes naming the items."""
    windows = [
        (line.item.id, line.offer.presale.balance_from, line.offer.presale.balance_until)
        for line in lines
        if line.offer.presale is not None
    ]
    opens = max((start for _, start, _ in windows), default=None)
    return [
        words(
            "balance_window",
            item=item_id,
            until=f"{until:%Y-%m-%d %H:%M}",
            opens=f"{opens:%Y-%m-%d %H:%M}",
        )
        for item_id, _, until in windows
        if opens is not None and until is not None and until < opens
    ]
