"""The budget meter: how much of the cart's budget the plan spends, as a bar and numbers."""

from __future__ import annotations

from decimal import Decimal

from textual.app import ComposeResult
from textual.widgets import ProgressBar, Static

from tui import format as fmt
from tui.i18n import t
from tui.text import safe_content


class BudgetMeter(Static):
    """A bar filled to total / budget, red past the budget; plain total without a budget."""

    DEFAULT_CSS = """
    BudgetMeter { height: auto; }
    BudgetMeter ProgressBar { width: 1fr; }
    BudgetMeter.-over Bar > .bar--bar { color: $error; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(total=100, show_eta=False, show_percentage=True, id="budget-bar")
        yield Static(id="budget-text")

    def show(self, total: Decimal, budget: Decimal | None, currency: str) -> None:
        """Display `total` against `budget`."""
        bar = self.query_one(ProgressBar)
        text = self.query_one("#budget-text", Static)
        if budget is None or budget <= 0:
            bar.display = False
            text.update(safe_content(f"{t('plan.total')} {fmt.money(total, currency)}"))
            return
        bar.display = True
        share = min(total / budget * 100, Decimal(100))
        bar.update(total=100, progress=float(share))  # a bar position, not money
        self.set_class(total > budget, "-over")
        left = budget - total
        text.update(
            safe_content(
                f"{fmt.money(total, currency)} / {fmt.money(budget, currency)}  "
                f"({t('plan.budget')} {'+' if left >= 0 else ''}{fmt.money(left, currency)})"
            )
        )
