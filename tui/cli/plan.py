"""`daoshou plan FILE.toml`: what a cart really costs, and the cheapest way to split it.

A thin layer over `planner.plan.make_plan`: `--json` prints the plan document of
cart.md's "Output"; `--export` writes the budget sheet (.xlsx or .csv). The plan is
computed completely before anything is written, so a malformed cart or an infeasible plan
leaves no file behind.

The planner (the optimiser's solver, the spreadsheet writer) is imported when `plan`
runs, not when the command line starts (see bench/cli.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
) -> None:
    """Price a cart step by step and find the cheapest split into orders."""
    from planner.cart_file import load_cart
    from planner.cost import Pricing
    from planner.plan import make_plan, plan_document
    from tracker.locations import config_dir

    cart = load_cart(cart_file)
    settings = config_dir()
    pricing = Pricing.load(settings / "platforms.toml", settings / "subsidies")
    result = make_plan(cart, pricing, time_limit=time_limit)
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
    from planner.plan import plan_document

    document = plan_document(result)
    print_table(
        ["item", "platform", "shop", "qty", "in hand", "per unit"],
        [
            [i["id"], i["platform"], i["shop"], i["qty"], i["in_hand"], _per_unit(i)]
            for i in document["items"]
        ],
    )
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


def _per_unit(item: dict[str, str]) -> str:
    return f"{item['per_unit']}/{item['unit']}"


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)
