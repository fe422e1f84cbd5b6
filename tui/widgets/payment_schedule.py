"""The payment schedule: what leaves the shopper's account on which day (deposits first,
final payments on the sale day), with a running total."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.text import Text

from planner.payments import Payment
from tui import format as fmt
from tui.i18n import t
from tui.widgets.columns import Column, FittedTable


class PaymentSchedule(FittedTable):
    """Date, amount, cumulative: three columns that are never cut."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                Column("date", t("plan.date"), 10, 10),
                Column("amount", t("plan.amount"), 8, 8),
                Column("total", t("plan.total"), 8, 8),
            ],
            id=id,
        )

    def show_payments(self, payments: Sequence[Payment], currency: str) -> None:
        """Display the payments in date order."""
        rows: list[list[Any]] = []
        running = Decimal(0)
        for payment in sorted(payments, key=lambda p: p.date):
            running += payment.amount
            rows.append(
                [
                    Text(payment.date.isoformat()),
                    Text(fmt.money(payment.amount, currency), justify="right"),
                    Text(fmt.money(running, currency), justify="right", style="dim"),
                ]
            )
        self.show(rows)
