"""The service follows prices: after a check moves a listing (price, stock or
promotions), every saved cart that uses it is re-planned through `plan_cart`, and a plan
that moved is announced once as a "plan changed" alert through the outbox.

A plan moved when its total moved by more than the user's `plan_change_percent` (1% by
default) or an item should now be bought from another offer. What was last announced (or
planned by the user with `daoshou plan NAME`) is remembered per cart in a small JSON file
beside it; the alert's dedupe key names both plans, so a crash between the alert and the
memory, or two processes re-planning together, never sends it twice.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

import sqlalchemy as sa

from planner.errors import DaoshouError
from planner.money import format_money
from tracker.alerts.engine import record_plan_change
from tracker.plans.carts import cart_file, memo_file, saved_carts, write_atomically
from tracker.plans.plan import LivePlan, load_store, plan_cart
from tracker.plans.resolve import Store
from tracker.platforms import platform_name
from tracker.settings import load_settings
from tracker.store.repository import Repository

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Move:
    """One item the new plan buys elsewhere, and what that changes."""

    item_name: str
    platform: str
    delta: Decimal

    def where(self, language: Literal["zh", "en"]) -> str:
        """The platform the item moves to, as people call it in `language`."""
        return platform_name(self.platform, language)

    def saving(self, currency: str) -> str:
        """The change in what the item costs in hand, signed (`-¥83.00`)."""
        text = format_money(self.delta, currency, grouped=True)
        return text if self.delta < 0 else f"+{text}"


def remember(live: LivePlan) -> None:
    """Remember `live` as the plan the user last saw for its saved cart."""
    items = {
        i.id: {"where": where, "in_hand": str(i.in_hand), "name": i.name, "platform": i.platform}
        for i, where in zip(live.plan.priced.items, live.choices().values(), strict=True)
    }
    memo = {"total": str(live.plan.total), "currency": live.plan.cart.currency, "items": items}
    write_atomically(memo_file(live.name), json.dumps(memo, ensure_ascii=False))


def _recalled(name: str) -> dict[str, Any] | None:
    try:
        memo = json.loads(memo_file(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return memo if isinstance(memo, dict) else None  # a hand-edited memo: no plan recalled


def listing_moved(repository: Repository, listing_id: int) -> bool:
    """Whether the listing's newest observation differs from the one before in price,
    currency, stock or promotions (the first observation of a listing moved it)."""
    newest = repository.history(listing_id, limit=2)
    if len(newest) < 2:
        return bool(newest)
    before, now = newest
    keys = ("price", "currency", "in_stock", "promotions")
    return any(getattr(before, k) != getattr(now, k) for k in keys)


def carts_using(listing_ids: Iterable[int], store: Store) -> list[str]:
    """The saved carts with an offer naming one of `listing_ids` (by id or by URL)."""
    from planner.cart_file import read_cart_text, read_toml

    wanted = set(listing_ids)
    urls = {store.listings[i].url for i in wanted if i in store.listings}
    names = []
    for cart in saved_carts():
        try:
            data = read_toml(read_cart_text(cart.path), cart.path)
        except DaoshouError:
            continue
        offers = [o for i in data.get("item", []) for o in i.get("offer", [])]
        if any(o.get("listing") in wanted or o.get("url") in urls for o in offers):
            names.append(cart.name)
    return names


def follow_prices(engine: sa.Engine, listing_ids: Iterable[int], now: datetime) -> list[str]:
    """Re-plan the saved carts using `listing_ids`; the names of those whose plan changed
    (an alert was raised). Problems are logged: following prices never fails a check."""
    settings = load_settings()
    store = load_store(engine, settings)
    changed = []
    for name in carts_using(listing_ids, store):
        try:
            live = plan_cart(cart_file(name), now, store=store, name=name)
        except DaoshouError as exc:
            log.warning("saved cart %s cannot be re-planned: %s", name, exc.message)
            continue
        if _announce(engine, live, _recalled(name), Decimal(str(settings.plan_change_percent))):
            changed.append(name)
    return changed


def _announce(
    engine: sa.Engine, live: LivePlan, last: dict[str, Any] | None, percent: Decimal
) -> bool:
    """Raise "plan changed" when `live` moved from `last`; remember it when announced."""
    if last is None or last.get("currency") != live.plan.cart.currency:
        remember(live)  # the first plan of this cart: nothing to compare with yet
        return False
    old, new = Decimal(last["total"]), live.plan.total
    moves = _moves(live, last["items"])
    if abs(new - old) <= abs(old) * percent / 100 and not moves:
        return False
    currency = live.plan.cart.currency
    record_plan_change(
        engine,
        live.name,
        old,
        new,
        currency,
        moved_zh=[f"{m.item_name}改在{m.where('zh')}买：{m.saving(currency)}" for m in moves],
        moved_en=[
            f"switch the {m.item_name} to {m.where('en')}: {m.saving(currency)}" for m in moves
        ],
    )
    remember(live)
    return True


def _moves(live: LivePlan, before: dict[str, Any]) -> list[Move]:
    moves = []
    for item, where in zip(live.plan.priced.items, live.choices().values(), strict=True):
        was = before.get(item.id)
        if was is not None and was["where"] != where:
            moves.append(Move(item.name, item.platform, item.in_hand - Decimal(was["in_hand"])))
    return moves
