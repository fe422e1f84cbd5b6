"""The stacked breakdown of one cart item: every step from list price to in-hand amount,
then the per-unit cost. The planner records the steps; this table only shows them."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from planner.cost import PricedItem
from tui import format as fmt
from tui.i18n import t, words_text
from tui.text import safe_text
from tui.widgets.columns import add_fixed_columns


class BreakdownTable(DataTable[Any]):
    """Step, amount (signed), running total."""

    def on_mount(self) -> None:
        self.cursor_type = "row"
        add_fixed_columns(
            self,
            [
                ("step", t("plan.step"), 30),
                ("amount", t("plan.amount"), 11),
                ("total", t("plan.total"), 11),
            ],
        )

    def show(self, item: PricedItem | None, currency: str) -> None:
        """Display `item`'s steps (nothing for None)."""
        self.clear()
        if item is None:
            return
        for step in item.steps:
            style = "green" if step.amount < 0 else ""
            self.add_row(
                safe_text(words_text(step.words), cells=30),
                Text(fmt.money(step.amount, currency), style=style, justify="right"),
                Text(fmt.money(step.total, currency), justify="right"),
            )
        self.add_row(
            Text(t("plan.total"), style="bold"),
            Text(""),
            Text(fmt.money(item.in_hand, currency), style="bold", justify="right"),
        )
        self.add_row(
            Text(t("watch.per_unit")),
            Text(""),
            Text(fmt.per_unit(item.per_unit, item.unit, currency), justify="right"),
        )
