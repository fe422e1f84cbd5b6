"""`daoshou plan NAME|FILE.toml`: what a cart really costs, and the cheapest way to split
it; `daoshou cart save|list|show|remove`: the saved carts.

A thin layer over the use-case `tracker.plans.plan.plan_cart` (tracked offers priced from
their listings' latest observations): `--json` prints the plan document of cart.md's
"Output" with what each item was priced from; `--export` writes the budget sheet (.xlsx
or .csv). The plan is
computed completely before anything is written, so a malformed cart or an infeasible plan
leaves no file behind.

The planner (the optimiser's solver, the spreadsheet writer) is imported when `plan`
runs, not when the command line starts (see bench/cli.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from planner.display import display_text
from tracker.platforms import platform_name
from tui.cli.output import print_json, print_table
from tui.i18n import columns, current_language, t, words_text
from tui.phrases import plan_status_text

if TYPE_CHECKING:
    from planner.plan import Plan


def register(app: typer.Typer) -> None:
    """Add `plan` and the `cart` group to the `daoshou` app."""
    app.command("plan")(plan)
    carts = typer.Typer(help="Saved carts, one TOML file each under the data directory.")
    carts.command("save")(cart_save)
    carts.command("list")(cart_list)
    carts.command("show")(cart_show)
    carts.command("remove")(cart_remove)
    app.add_typer(carts, name="cart")


def plan(
    cart: Annotated[str, typer.Argument(help="A saved cart's name, or a cart.toml file.")],
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
    """Price a cart step by step (tracked offers at their latest prices) and find the
    cheapest split into orders."""
    from tracker.plans.carts import cart_source
    from tracker.plans.follow import remember
    from tracker.plans.plan import live_document, plan_cart

    name, path = cart_source(cart)
    now = _now(today)
    live = plan_cart(path, now, time_limit=time_limit, name=name)
    if export is not None:
        from planner.budget_export import export_budget

        export_budget(live.plan, export, current_language())
    if name is not None:
        remember(live)  # the plan the user saw: "plan changed" is news against it
    if as_json:
        print_json(live_document(live))
        return
    _print_text(live.plan)
    for line in [t("cli.left_out", what=words_text(why)) for why in live.left_out] + _stale_lines(
        live
    ):
        print(display_text(line))
    if export is not None:
        print(t("cli.exported", path=export))


def _now(today: datetime | None) -> datetime:
    """The moment to plan at: noon of `--today` here, else now."""
    if today is None:
        return datetime.now(UTC)
    return datetime.combine(today.date(), time(12)).astimezone()


def _stale_lines(live: Any) -> list[str]:
    return [
        t("cli.stale", item=s.item_id, listing=s.listing_id, at=f"{s.observed_at:%Y-%m-%d %H:%M}")
        for s in live.sources
        if s.stale
    ]


JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def cart_save(
    name: Annotated[str, typer.Argument(help="The cart's name (letters, digits, _ and -).")],
    cart_file: Annotated[Path, typer.Argument(help="The cart.toml file to save.")],
    as_json: JsonFlag = False,
) -> None:
    """Validate a cart file, then keep a copy under NAME (replacing one of that name)."""
    from tracker.plans.carts import save
    from tracker.plans.plan import load_store

    saved = save(name, cart_file, load_store(), datetime.now(UTC))
    if as_json:
        print_json(saved)
        return
    print(display_text(t("cli.cart_saved", name=saved.name, items=saved.items, path=saved.path)))


def cart_list(as_json: JsonFlag = False) -> None:
    """The saved carts."""
    from tracker.plans.carts import saved_carts

    carts = saved_carts()
    if as_json:
        print_json(carts)
        return
    print_table(columns("name", "items", "file"), [[c.name, c.items, c.path] for c in carts])


def cart_show(
    name: Annotated[str, typer.Argument(help="A saved cart's name.")], as_json: JsonFlag = False
) -> None:
    """A saved cart's file, as saved."""
    from planner.cart_file import read_cart_text
    from tracker.plans.carts import saved_cart

    path = saved_cart(name)
    text = read_cart_text(path)
    if as_json:
        print_json({"name": name, "path": str(path), "text": text})
        return
    print("\n".join(display_text(line) for line in text.splitlines()))


def cart_remove(
    name: Annotated[str, typer.Argument(help="A saved cart's name.")], as_json: JsonFlag = False
) -> None:
    """Delete a saved cart."""
    from tracker.plans.carts import remove

    path = remove(name)
    if as_json:
        print_json({"name": name, "removed": str(path)})
        return
    print(display_text(t("cli.cart_removed", name=name)))


def _print_text(result: Plan) -> None:
    """The plan for people: items, every step from price to in-hand, the orders to check
    out with their discounts, the payments by date, then the totals and the status."""
    from planner.plan import plan_document

    document = plan_document(result)
    items = document["items"]
    print_table(
        columns("item", "name", "platform", "shop", "qty", "in_hand", "per_unit"),
        [_item_row(i) for i in items],
        fold=(1, 3),
    )
    print()
    print_table(columns("item", "step", "amount", "running_total"), _step_rows(items), fold=(1,))
    print()
    print_table(
        columns("order", "items", "discounts", "amount", "total"),
        _order_rows(document["orders"]),
        fold=(1, 2),
    )
    print()
    payments = [[p["date"], p["amount"]] for p in document["payments"]]
    print_table(columns("pay_on", "amount"), payments)
    print()
    lines = [t("cli.plan_total", total=document["total"], currency=document["currency"])]
    if document["naive_total"] is not None:
        lines.append(t("cli.plan_naive", naive=document["naive_total"], saving=document["saving"]))
    if "budget_left" in document:
        lines.append(t("cli.plan_budget_left", left=document["budget_left"]))
    lines.append(plan_status_text(result))
    worded = [(s["form"], s["params"]) for s in document["suggestions"]]
    worded += [(note["form"], note["params"]) for note in document["note_forms"]]
    for line in lines + [words_text(what) for what in worded]:
        print(display_text(line))


def _step_rows(items: list[dict[str, Any]]) -> list[list[str]]:
    """One row per step; the item id only on its first row, so each item reads as a block."""
    rows = []
    for item in items:
        for index, step in enumerate(item["steps"]):
            rows.append(
                [item["id"] if index == 0 else "", _words(step), step["amount"], step["total"]]
            )
    return rows


def _order_rows(orders: list[dict[str, Any]]) -> list[list[str]]:
    """An order's first row names it, its items and total; each discount takes a row."""
    rows = []
    for order in orders:
        name = f"{platform_name(order['platform'])} {order['order']}".strip()
        discounts = [[_words(d), f"-{d['amount']}"] for d in order["discounts"]] or [["-", ""]]
        rows.append([name, ", ".join(order["items"]), *discounts[0], order["total"]])
        rows += [["", "", *discount, ""] for discount in discounts[1:]]
    return rows


def _item_row(item: dict[str, Any]) -> list[Any]:
    """An item's row: its id and name, where it is bought, how many, what it costs."""
    where = platform_name(item["platform"])
    amounts = [item["qty"], item["in_hand"], _per_unit(item)]
    return [item["id"], item["name"], where, item["shop"], *amounts]


def _words(entry: dict[str, Any]) -> str:
    """A step or discount of the plan document in the chosen language."""
    return words_text((entry["form"], entry["params"]))


def _per_unit(item: dict[str, str]) -> str:
    from tui.format import unit_label

    return f"{item['per_unit']}/{unit_label(item['unit'])}"
