"""PlannerScreen: the cart, each item's stacked breakdown, the optimiser's order split
with its saving, the budget meter, the payment schedule, and the budget-sheet export.

The cart is the saved cart "cart" (`tracker.plans.edits.cart_path`). It is planned by
the core's use-case (`tracker.plans.plan.plan_cart`, tracked offers at their latest
observations) in a worker whenever new prices arrive; a changed total is shown here, and
the check that moved it raises the "plan changed" alert (`tracker.plans.follow`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label, Static

from planner.errors import DaoshouError
from planner.plan import Plan
from tracker.plans.edits import cart_path, change_quantity
from tracker.plans.plan import LivePlan, plan_cart
from tracker.platforms import platform_name
from tui import format as fmt
from tui.context import AppContext
from tui.i18n import current_language, t, words_text
from tui.messages import CartChanged, PlanComputed, PricesRecorded, WorkFinished
from tui.phrases import plan_status_text, promotion_text
from tui.screens.base import DaoshouScreen
from tui.text import safe_lines, safe_text
from tui.widgets.breakdown_table import BreakdownTable
from tui.widgets.budget_meter import BudgetMeter
from tui.widgets.columns import Column, Either, FittedTable
from tui.widgets.payment_schedule import PaymentSchedule


@dataclass(frozen=True)
class PlanView:
    """A computed plan (None: no cart yet, or `problem` says why it cannot be planned)."""

    live: LivePlan | None
    path: Path
    problem: str | None = None

    @property
    def plan(self) -> Plan | None:
        """The plan, if there is one."""
        return self.live.plan if self.live else None


def compute_plan(engine: Any, path: Path, now: datetime, time_limit: float = 10.0) -> PlanView:
    """Plan the cart through the core's use-case as of `now` (the app's clock); slow: run
    in a worker."""
    if not path.exists():
        return PlanView(None, path)
    try:
        return PlanView(plan_cart(path, now, engine=engine, time_limit=time_limit), path)
    except DaoshouError as exc:
        return PlanView(None, path, exc.one_line(current_language()))


def _cart_columns() -> list[Column]:
    """The cart's columns: the amounts and the per-unit cost are never cut; the listing
    goes first when the room runs out, and names only its platform when its shop does not
    fit (the breakdown names both); names fold rather than lose their end."""
    return [
        Column("item", t("plan.item"), 10, 40, flexible=True, wanted=20, wrap=True),
        Column("qty", t("plan.qty"), 3, 3),
        Column("from", t("plan.listing"), 6, 30, rank=3, flexible=True, wanted=12, wrap=True),
        Column("amount", t("plan.amount"), 8, 8),
        Column("per_unit", t("watch.per_unit"), 8, 8, rank=1),
    ]


def _order_columns() -> list[Column]:
    """The order split's columns: where, what and the discounts (one a line, folded
    rather than cut on a narrow terminal), the order's total."""
    return [
        Column("where", t("plan.listing"), 6, 20, rank=1, flexible=True, wanted=10),
        Column("what", t("plan.what"), 10, 90, rank=2, flexible=True, wanted=30, wrap=True),
        Column("total", t("plan.amount"), 8, 8),
    ]


class PlannerScreen(DaoshouScreen):
    """Cart and plan on the left, the selected item's breakdown and the money on the right;
    on a narrow terminal the two halves stack and the screen scrolls (app.tcss)."""

    AUTO_FOCUS = "#cart-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "optimise", t("plan.optimise")),
        Binding("e", "export", t("plan.export")),
        Binding("plus,equals_sign", "quantity(1)", t("plan.more"), key_display="+"),
        Binding("minus", "quantity(-1)", t("plan.fewer"), key_display="-"),
    ]

    def __init__(self, context: AppContext) -> None:
        super().__init__(context)
        self.view: PlanView | None = None
        self.path = context.cart_path or cart_path()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="plan-body"):
            with Vertical(id="plan-left"):
                yield Label(t("plan.items"), classes="section-title")
                yield FittedTable(_cart_columns(), id="cart-table")
                yield Label(t("plan.orders"), classes="section-title")
                yield FittedTable(_order_columns(), id="orders-table")
                yield Static(id="plan-saving", classes="status-line")
                yield Label(t("plan.promotions"), classes="section-title")
                yield Static(id="plan-promotions")
            with Vertical(id="plan-right"):
                yield Label(t("plan.breakdown"), classes="section-title")
                yield Static(id="breakdown-of")
                yield BreakdownTable(id="breakdown-table")
                yield Label(t("plan.budget"), classes="section-title")
                yield BudgetMeter(id="budget-meter")
                yield Label(t("plan.schedule"), classes="section-title")
                yield PaymentSchedule(id="schedule-table")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = t("nav.planner")
        self.query_one("#cart-table", FittedTable).zebra_stripes = True
        self.query_one("#plan-saving", Static).update(safe_lines(["…"]))
        self.action_optimise()

    def action_optimise(self) -> None:
        """Reprice the cart from the latest observations and optimise it again."""
        self.run_blocking(self._plan, group="planner-plan")

    def _plan(self) -> None:
        view = compute_plan(
            self.context.engine, self.path, self.context.now(), self.context.plan_seconds
        )
        self.post_result(PlanComputed(view))

    def on_prices_recorded(self, message: PricesRecorded) -> None:
        self.action_optimise()

    def on_cart_changed(self, message: CartChanged) -> None:
        self.action_optimise()

    def on_plan_computed(self, message: PlanComputed) -> None:
        view: PlanView = message.result
        previous = self.view.plan if self.view else None
        self.view = view
        if view.plan is None:
            self.query_one("#plan-saving", Static).update(
                safe_lines([view.problem or t("plan.no_cart")])
            )
            return
        self._show(view.plan, view.live)
        # Only prices moving the total is news; the user's own edits to the cart are not.
        if previous is not None and _contents(previous) == _contents(view.plan):
            self._report_change(previous.total, view.plan)

    def _report_change(self, before: Decimal, plan: Plan) -> None:
        after = plan.total
        if after != before:
            self.app.notify(
                t("plan.changed", old=fmt.money(before), new=fmt.money(after)),
                markup=False,
                timeout=8,
            )

    def _show(self, plan: Plan, live: LivePlan | None) -> None:
        currency = plan.cart.currency
        rows = [
            [
                safe_text(plan.cart.item(item.id).name, cells=40),
                Text(str(item.qty)),
                Either(
                    safe_text(f"{platform_name(item.platform)} · {item.shop}", cells=30),
                    safe_text(platform_name(item.platform)),
                ),
                Text(fmt.money(item.in_hand, currency), justify="right"),
                Text(fmt.per_unit(item.per_unit, item.unit, currency), justify="right"),
            ]
            for item in plan.priced.items
        ]
        self.query_one("#cart-table", FittedTable).show(
            rows, [item.id for item in plan.priced.items]
        )
        self._show_orders(plan)
        self._show_selected()
        self.query_one(BudgetMeter).show(plan.total, plan.cart.budget, currency)
        self.query_one(PaymentSchedule).show_payments(plan.priced.payments, currency)
        promotions = [p.label or promotion_text(p) for p in plan.cart.promotions]
        notes = [*(live.left_out if live else ()), *plan.priced.notes]
        self.query_one("#plan-promotions", Static).update(
            safe_lines(promotions + [f"! {words_text(note)}" for note in notes])
        )

    def _show_orders(self, plan: Plan) -> None:
        currency = plan.cart.currency
        rows = []
        for order in plan.priced.orders:
            where = f"{platform_name(order.platform)} {order.key}".strip()
            what = [", ".join(order.item_ids)] + [
                f"{words_text(d.words)} {fmt.money(-d.amount, currency)}" for d in order.discounts
            ]
            rows.append(
                [
                    safe_text(where, cells=20),
                    Text("\n").join(safe_text(line) for line in what),
                    Text(fmt.money(order.total, currency), justify="right"),
                ]
            )
        self.query_one("#orders-table", FittedTable).show(rows)
        saving = plan.saving
        line = f"{t('plan.total')} {fmt.money(plan.total, currency)}"
        if saving is not None:
            line += "  ·  " + t("plan.saving", amount=fmt.money(saving, currency))
        status = plan_status_text(plan)
        self.query_one("#plan-saving", Static).update(safe_lines([line, status]))

    @on(DataTable.RowHighlighted, "#cart-table")
    def _item_highlighted(self) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        plan = self.view.plan if self.view else None
        table = self.query_one(BreakdownTable)
        named = self.query_one("#breakdown-of", Static)
        if plan is None or not plan.priced.items:
            table.show_item(None, "CNY")
            named.update("")
            return
        cart = self.query_one("#cart-table", DataTable)
        item = plan.priced.items[min(max(cart.cursor_row, 0), len(plan.priced.items) - 1)]
        table.show_item(item, plan.cart.currency)
        where = f"{platform_name(item.platform)} · {item.shop}"  # the cart may show less
        named.update(safe_lines([f"{plan.cart.item(item.id).name} · {where}"]))

    def action_quantity(self, delta: int) -> None:
        """One pack more or less of the selected item (none left: it leaves the cart)."""
        plan = self.view.plan if self.view else None
        cart = self.query_one("#cart-table", DataTable)
        if plan is None or not plan.priced.items:
            return
        item_id = plan.priced.items[min(cart.cursor_row, len(plan.priced.items) - 1)].id
        self.run_blocking(
            self._change_quantity, item_id, delta, group="planner-quantity", exclusive=False
        )

    def _change_quantity(self, item_id: str, delta: int) -> None:
        change_quantity(self.path, item_id, delta)
        self._plan()

    def action_export(self) -> None:
        """Write the budget sheet (xlsx with live formulas) next to the cart."""
        if self.view is None or self.view.plan is None:
            self.app.notify(t("plan.no_cart"), severity="warning", markup=False)
            return
        target = self.path.with_name("budget.xlsx")
        self.run_blocking(self._export, self.view.plan, target, group="planner-export")

    def _export(self, plan: Plan, target: Path) -> None:
        from planner.budget_export import export_budget  # xlsxwriter loads only to export

        export_budget(plan, target, current_language())
        self.post_result(WorkFinished(t("plan.exported", path=target)))

    def on_work_finished(self, message: WorkFinished) -> None:
        self.app.notify(message.text, severity=message.severity, markup=False)


def _contents(plan: Plan) -> tuple[tuple[str, int], ...]:
    """What the shopper asked for: item ids and quantities."""
    return tuple((item.id, item.qty) for item in plan.cart.items)
