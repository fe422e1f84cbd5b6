"""`daoshou alerts ...` and `daoshou bought`: price alerts on the command line.

A thin layer over `tracker.alerts`: each command calls one use-case and prints its result
as one JSON document with `--json`, else as plain text. Channel URLs are never printed,
only their masked labels.

Commands import `tracker.alerts` and the store when they run, so `daoshou --help` and
the other commands never pay for SQLAlchemy and Apprise (see bench/cli.py).
"""

from __future__ import annotations

import sys
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import typer

from planner.money import read_amount
from tracker.errors import AlertError
from tui.cli.output import print_json, print_table
from tui.i18n import columns, current_language, reason_text, t
from tui.phrases import rule_text

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from tracker.alerts.rulebook import RuleView

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]

alerts_app = typer.Typer(help="Price alerts: rules, channels, history.", no_args_is_help=True)
channel_app = typer.Typer(help="Where alerts are sent (Apprise URLs).", no_args_is_help=True)
alerts_app.add_typer(channel_app, name="channel")


def register(app: typer.Typer) -> None:
    """Add `alerts` and `bought` to the `daoshou` app."""
    app.add_typer(alerts_app, name="alerts")
    app.command("bought")(bought)


def _money(text: str, option: str) -> Decimal:
    value = read_amount(text)
    if value is None:
        raise AlertError(
            f"{option} {text!r} is not an amount",
            f"e.g. {option} 59.90",
            zh=(f"{option} {text!r} 不是金额", f"例如 {option} 59.90"),
        )
    if not value.is_finite() or value <= 0:
        raise AlertError(
            f"{option} {text!r} must be above zero",
            f"e.g. {option} 59.90",
            zh=(f"{option} {text!r} 必须大于零", f"例如 {option} 59.90"),
        )
    return value


def _rule_request(
    below: str | None, drop: str | None, drop_by: str | None, lowest: bool, in_stock: bool
) -> tuple[str, dict[str, Any]]:
    chosen = [
        name
        for name, given in (
            ("--below", below),
            ("--drop", drop),
            ("--drop-by", drop_by),
            ("--lowest", lowest or None),
            ("--in-stock", in_stock or None),
        )
        if given is not None
    ]
    if len(chosen) != 1:
        raise AlertError(
            "say what to watch for with exactly one of --below, --drop, --drop-by, --lowest, "
            "--in-stock",
            "e.g. daoshou alerts add 3 --below 59.90",
            zh=(
                "用 --below、--drop、--drop-by、--lowest、--in-stock 中的恰好一个说明要提醒什么",
                "例如 daoshou alerts add 3 --below 59.90",
            ),
        )
    if below is not None:
        return "target", {"price": str(_money(below, "--below"))}
    if drop is not None:
        return "drop", {"pct": drop.strip().rstrip("%")}
    if drop_by is not None:
        return "drop", {"amount": str(_money(drop_by, "--drop-by"))}
    return ("lowest", {}) if lowest else ("in_stock", {})


@alerts_app.command("add")
def add(
    target_id: Annotated[
        int, typer.Argument(metavar="ID", help="Listing id (or product id with --product).")
    ],
    below: Annotated[
        str | None, typer.Option(help="Alert when the price is at or below this.")
    ] = None,
    drop: Annotated[
        str | None, typer.Option(help="Alert on a drop of at least this percent.")
    ] = None,
    drop_by: Annotated[
        str | None, typer.Option(help="Alert on a drop of at least this amount.")
    ] = None,
    vs: Annotated[str, typer.Option(help="Compare drops with: last | median30.")] = "last",
    lowest: Annotated[bool, typer.Option("--lowest", help="Alert on a new lowest price.")] = False,
    in_stock: Annotated[bool, typer.Option("--in-stock", help="Alert when back in stock.")] = False,
    margin: Annotated[
        str | None, typer.Option(help="--below re-arms above target + margin (default 2%).")
    ] = None,
    in_hand: Annotated[
        bool,
        typer.Option("--in-hand", help="--below compares the in-hand price of one unit alone."),
    ] = False,
    currency: Annotated[
        str | None,
        typer.Option(help="Currency of the amounts (default: the listing's currency)."),
    ] = None,
    product: Annotated[
        bool, typer.Option("--product", help="ID is a product: watch all its listings.")
    ] = False,
    channel: Annotated[
        list[int] | None, typer.Option(help="Send only to this channel id (repeatable).")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Add an alert rule to a listing or a product."""
    from tracker.alerts import channels, rulebook
    from tracker.store.db import open_engine

    kind, params = _rule_request(below, drop, drop_by, lowest, in_stock)
    if kind == "drop":
        params["basis"] = vs
    if kind == "target" and margin is not None:
        params["margin"] = margin
    if in_hand:
        if kind != "target":
            raise AlertError(
                "--in-hand goes with --below",
                "e.g. daoshou alerts add 3 --below 99 --in-hand",
                zh=(
                    "--in-hand 要和 --below 一起用",
                    "例如 daoshou alerts add 3 --below 99 --in-hand",
                ),
            )
        params["in_hand"] = True
    if kind != "in_stock" and currency:
        params["currency"] = currency
    engine = open_engine()
    rule = rulebook.add_rule(
        engine,
        kind,
        params,
        listing_id=None if product else target_id,
        product_id=target_id if product else None,
        channel_ids=channel,
    )
    if as_json:
        print_json(rule)
        return
    print(t("cli.rule", id=rule.id, rule=_describe(rule)))
    if not channels.list_channels(engine):
        print(t("cli.no_channel"))


@alerts_app.command("list")
def list_(as_json: JsonOption = False) -> None:
    """Every alert rule."""
    from tracker.alerts import rulebook
    from tracker.store.db import open_engine

    rules = rulebook.list_rules(open_engine())
    if as_json:
        print_json(rules)
        return
    print_table(
        columns("id", "watches", "rule", "armed", "channels"),
        [
            [r.id, _scope(r), _describe(r), t("cli.yes" if r.armed else "cli.no"), _channel_ids(r)]
            for r in rules
        ],
    )


@alerts_app.command("remove")
def remove(
    rule_id: Annotated[int, typer.Argument(metavar="ID")], as_json: JsonOption = False
) -> None:
    """Delete an alert rule (its past alerts stay in the history)."""
    from tracker.alerts import rulebook
    from tracker.store.db import open_engine

    rule = rulebook.remove_rule(open_engine(), rule_id)
    if as_json:
        print_json(rule)
        return
    print(t("cli.rule_removed", id=rule.id, rule=_describe(rule)))


@alerts_app.command("history")
def history(
    limit: Annotated[int, typer.Option(help="How many alerts, newest first.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Alerts raised so far and where each was delivered."""
    from tracker.alerts import rulebook
    from tracker.store.db import open_engine

    events = rulebook.alert_history(open_engine(), limit)
    if as_json:
        print_json(events)
        return
    zh = current_language() == "zh"
    rows = []
    for event in events:
        sent = [f"{d.channel_id}:{d.status}" for d in event.deliveries] or [t("cli.no_delivery")]
        message = event.message_zh if zh else event.message_en
        rows.append(
            [event.id, event.created_at.strftime("%Y-%m-%d %H:%M"), " ".join(sent), message]
        )
    print_table(columns("id", "time_utc", "delivery", "message"), rows)


@alerts_app.command("test")
def test(as_json: JsonOption = False) -> None:
    """Send a test message to every channel now."""
    from tracker.alerts import outbox
    from tracker.store.db import open_engine

    results = outbox.send_test_message(open_engine())
    if as_json:
        print_json(results)
    elif not results:
        print(t("cli.no_channel"))
    else:
        print_table(
            columns("channel", "label", "result"),
            [
                [r.channel_id, r.channel_label, t("cli.ok") if r.ok else reason_text(r.error or "")]
                for r in results
            ],
        )
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@alerts_app.command("deliver")
def deliver(as_json: JsonOption = False) -> None:
    """Send the alerts waiting in the outbox now (what `daoshou run` does continuously)."""
    from tracker.alerts import outbox
    from tracker.store.db import open_engine

    report = outbox.deliver_pending(open_engine())
    if as_json:
        print_json(report)
        return
    print(t("cli.delivered", sent=report.sent, retrying=report.retrying, failed=report.failed))
    for error in report.errors:
        print(f"  {error}")


@alerts_app.command("protection")
def protection(as_json: JsonOption = False) -> None:
    """Price protection (价保) windows per platform, and the files they come from."""
    from tracker.alerts.protection import (
        protection_windows,
        shipped_windows_file,
        user_windows_file,
    )

    windows = protection_windows()
    files = {"shipped": shipped_windows_file(), "user": user_windows_file()}
    if as_json:
        print_json({"windows": windows, "files": files})
        return
    print_table(columns("platform", "days"), sorted(windows.items()))
    print(t("cli.windows_shipped", path=files["shipped"]))
    print(t("cli.windows_user", path=files["user"]))


@channel_app.command("add")
def channel_add(
    url: Annotated[str, typer.Argument(help="An Apprise URL, e.g. ntfy://my-topic.")],
    as_json: JsonOption = False,
) -> None:
    """Add a channel; the URL is stored owner-only and shown masked from now on."""
    from tracker.alerts import channels
    from tracker.store.db import open_engine

    view = channels.add_channel(open_engine(), url)
    if as_json:
        print_json(view)
        return
    print(t("cli.channel", id=view.id, label=view.label))


@channel_app.command("list")
def channel_list(as_json: JsonOption = False) -> None:
    """Every channel, masked."""
    from tracker.alerts import channels
    from tracker.store.db import open_engine

    views = channels.list_channels(open_engine())
    if as_json:
        print_json(views)
        return
    print_table(columns("id", "channel"), [[v.id, v.label] for v in views])


@channel_app.command("remove")
def channel_remove(
    channel_id: Annotated[int, typer.Argument(metavar="ID")], as_json: JsonOption = False
) -> None:
    """Delete a channel and its stored URL."""
    from tracker.alerts import channels
    from tracker.store.db import open_engine

    view = channels.remove_channel(open_engine(), channel_id)
    if as_json:
        print_json(view)
        return
    print(t("cli.channel_removed", id=view.id, label=view.label))


def bought(
    listing_id: Annotated[int, typer.Argument(metavar="ID", help="The listing you bought from.")],
    price: Annotated[str, typer.Option(help="What you paid per item.")],
    on: Annotated[str, typer.Option("--date", help="When you bought it, YYYY-MM-DD.")],
    quantity: Annotated[int, typer.Option(help="How many you bought.")] = 1,
    currency: Annotated[str, typer.Option(help="Currency of the price.")] = "CNY",
    as_json: JsonOption = False,
) -> None:
    """Record a purchase; within the platform's 价保 window a lower price alerts you."""
    from tracker.alerts import rulebook
    from tracker.store.db import open_engine

    try:
        bought_on = date.fromisoformat(on.strip())
    except ValueError:
        raise AlertError(
            f"--date {on!r} is not a date",
            "use YYYY-MM-DD, e.g. 2026-11-11",
            zh=(f"--date {on!r} 不是日期", "用 YYYY-MM-DD，例如 2026-11-11"),
        ) from None
    view = rulebook.record_purchase(
        open_engine(),
        listing_id,
        _money(price, "--price"),
        bought_on,
        quantity=quantity,
        currency=currency.strip().upper(),
    )
    if as_json:
        print_json(view)
        return
    print(
        t(
            "cli.purchase",
            id=view.id,
            listing=view.listing_id,
            price=view.price,
            currency=view.currency,
        )
    )
    if view.rule_id is not None:
        print(t("cli.protection_watched", deadline=view.claim_deadline, rule=view.rule_id))
    else:
        print(t("cli.no_protection"))


def _scope(rule: RuleView) -> str:
    if rule.listing_id is not None:
        return t("cli.scope_listing", id=rule.listing_id, name=rule.target_name)
    return t("cli.scope_product", id=rule.product_id, name=rule.target_name)


def _describe(rule: RuleView) -> str:
    return rule_text(rule.kind, rule.params, waiting=rule.waiting)


def _channel_ids(rule: RuleView) -> str:
    return ",".join(str(i) for i in rule.channel_ids) if rule.channel_ids else t("cli.all")


def deliver_after_check(engine: Engine) -> None:
    """Send the alerts a `daoshou check` raised before it exits; say so on stderr.

    One pass: a channel that fails keeps its delivery pending for `daoshou run`, the next
    `daoshou check` or `daoshou alerts deliver`, with backoff.
    """
    from tracker.alerts import outbox

    report = outbox.deliver_pending(engine)
    if report.sent or report.retrying or report.failed:
        counts = {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}
        print(t("cli.alerts_delivered", **counts), file=sys.stderr)
