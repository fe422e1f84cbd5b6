"""`daoshou plan FILE.toml`: what a cart really costs, and the cheapest way to split it.

A thin layer over `planner.plan.make_plan`: `--json` prints the plan document of
cart.md's "Output"; `--export` writes the budget sheet (.xlsx or .csv). The plan is
computed completely before anything is written, so a malformed cart or an infeasible plan
leaves no file behind.

The planner (the optimiser's solver, the spreadsheet writer) is imported when `plan`
runs, not when the command line starts (see bench/cli.py).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tui.cli.output import print_json, print_table

if TYPE_CHECKING:
    from planner.plan import Plan


def register(app: typer.Typer) -> None:
    """Add `plan` to the `daoshou` app."""
    app.command("plan")(plan)


def plan(
    cart_file: Annotated[Path, typer.Argument(help="The cart, a cart.toml file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    export: Annotated[
        Path | None, typer.Option(help="Write the budget sheet: budget.xlsx or budget.csv.")
    ] = None,
    time_limit: Annotated[
        float, typer.Option(help="Seconds the optimiser may spend proving the optimum.")
    ] = 10.0,
    today: Annotated[
        datetime | None,
        typer.Option(
            formats=["%Y-%m-%d"],
            help="Plan as of this day (default: today here); a cart's own `now` wins.",
        ),
    ] = None,
) -> None:
    """Price a cart step by step and find the cheapest split into orders."""
    from planner.cart_file import load_cart
    from planner.cost import Pricing
    from planner.plan import make_plan, plan_document
    from tracker import locations

    cart = load_cart(cart_file)
    pricing = Pricing.load(locations.platform_rules_file(), locations.subsidies_dir())
    day = today.date() if today is not None else date.today()
    result = make_plan(cart, pricing, today=day, time_limit=time_limit)
    if export is not None:
        from planner.budget_export import export_budget

        export_budget(result, export)
    if as_json:
        print_json(plan_document(result))
        return
    _print_text(result)
    if export is not None:
        print(f"budget sheet written to {export}")


def _print_text(result: Plan) -> None:
    """The plan for people: items, every step from price to in-hand, the orders to check
    out with their discounts, the payments by date, then the totals and the status."""
    from planner.plan import plan_document

    document = plan_document(result)
    items = document["items"]
    print_table(
        ["item", "name", "platform", "shop", "qty", "in hand", "per unit"],
        [
            [i["id"], i["name"], i["platform"], i["shop"], i["qty"], i["in_hand"], _per_unit(i)]
            for i in items
        ],
    )
    print()
    print_table(["item", "step", "amount", "running total"], _step_rows(items))
    print()
    print_table(["order", "items", "discounts", "total"], _order_rows(document["orders"]))
    print()
    print_table(["pay on", "amount"], [[p["date"], p["amount"]] for p in document["payments"]])
    print()
    lines = [f"total {document['total']} {document['currency']}"]
    if document["naive_total"] is not None:
        lines.append(f"naive plan {document['naive_total']}, saving {document['saving']}")
    if "budget_left" in document:
        lines.append(f"budget left {document['budget_left']}")
    lines.append(result.status_text)
    for line in lines + [s["text"] for s in document["suggestions"]] + document["notes"]:
        print(_printable(line))


def _step_rows(items: list[dict[str, Any]]) -> list[list[str]]:
    """One row per step; the item id only on its first row, so each item reads as a block."""
    rows = []
    for item in items:
        for index, step in enumerate(item["steps"]):
            rows.append(
                [item["id"] if index == 0 else "", step["label"], step["amount"], step["total"]]
            )
    return rows


def _order_rows(orders: list[dict[str, Any]]) -> list[list[str]]:
    rows = []
    for order in orders:
        name = f"{order['platform']} {order['order']}".strip()
        discounts = "; ".join(f"{d['label']} -{d['amount']}" for d in order["discounts"])
        rows.append([name, ", ".join(order["items"]), discounts or "-", order["total"]])
    return rows


def _per_unit(item: dict[str, str]) -> str:
    return f"{item['per_unit']}/{item['unit']}"


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)
