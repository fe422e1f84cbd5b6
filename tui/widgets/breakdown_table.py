"""The stacked breakdown of one cart item: every step from list price to in-hand amount,
then the per-unit cost. The planner records the steps; this table only shows them."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from planner.cost import PricedItem
from tui import format as fmt
from tui.i18n import t, words_text
from tui.text import safe_text
from tui.widgets.columns import Column, FittedTable


class BreakdownTable(FittedTable):
    """Step, amount (signed), running total: the amounts are never cut, the step label
    takes the rest of the width and folds onto more lines when that is not enough."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                Column("step", t("plan.step"), 12, 60, flexible=True, wrap=True),
                Column("amount", t("plan.amount"), 8, 8),
                Column("total", t("plan.total"), 8, 8),
            ],
            id=id,
        )

    def show_item(self, item: PricedItem | None, currency: str) -> None:
        """Display `item`'s steps (nothing for None)."""
        if item is None:
            self.show([])
            return
        rows: list[list[Any]] = [
            [
                safe_text(words_text(step.words), cells=60),
                Text(
                    fmt.money(step.amount, currency),
                    style="green" if step.amount < 0 else "",
                    justify="right",
                ),
                Text(fmt.money(step.total, currency), justify="right"),
            ]
            for step in item.steps
        ]
        rows.append(
            [
                Text(t("plan.total"), style="bold"),
                Text(""),
                Text(fmt.money(item.in_hand, currency), style="bold", justify="right"),
            ]
        )
        rows.append(
            [
                Text(t("watch.per_unit")),
                Text(""),
                Text(fmt.per_unit(item.per_unit, item.unit, currency), justify="right"),
            ]
        )
        self.show(rows)
