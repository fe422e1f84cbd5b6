"""The payment schedule: what leaves the shopper's account on which day (deposits first,
final payments on the sale day), with a running total."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from planner.payments import Payment
from tui import format as fmt
from tui.i18n import t
from tui.widgets.columns import add_fixed_columns


class PaymentSchedule(DataTable[Any]):
    """Date, amount, cumulative."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        add_fixed_columns(
            self,
            [
                ("date", t("plan.date"), 10),
                ("amount", t("plan.amount"), 12),
                ("total", t("plan.total"), 12),
            ],
        )

    def show(self, payments: Sequence[Payment], currency: str) -> None:
        """Display the payments in date order."""
        self.clear()
        running = Decimal(0)
        for payment in sorted(payments, key=lambda p: p.date):
            running += payment.amount
            self.add_row(
                Text(payment.date.isoformat()),
                Text(fmt.money(payment.amount, currency), justify="right"),
                Text(fmt.money(running, currency), justify="right", style="dim"),
            )
