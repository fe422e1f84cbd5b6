"""The alert use-cases behind the command line and the terminal app.

Each function opens its own unit of work on the engine and returns frozen views, so no
caller holds a live row: add, list and remove rules, read the alert history with each
delivery's state, and record a purchase (which also sets up its 价保 rule).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tracker.alerts.kinds import rule_kind
from tracker.alerts.protection import claim_deadline
from tracker.alerts.rules import AMOUNT_STEP
from tracker.errors import AlertError, NotFoundError, no_such_listing
from tracker.store.db import session_scope
from tracker.store.tables import (
    AlertChannel,
    AlertDelivery,
    AlertEvent,
    AlertRule,
    Listing,
    Observation,
    Product,
    Purchase,
    table_of,
    utcnow,
)


@dataclass(frozen=True)
class RuleView:
    """An alert rule as shown: what it watches, its parameters and whether it is armed."""

    id: int
    kind: str
    listing_id: int | None
    product_id: int | None
    target_name: str
    params: dict[str, Any]
    channel_ids: tuple[int, ...] | None
    armed: bool
    active: bool
    created_at: datetime
    waiting: str | None = None  # why the rule cannot fire on the last check, if it cannot


@dataclass(frozen=True)
class DeliveryView:
    """One event's delivery to one channel."""

    channel_id: int
    channel_label: str
    status: str
    attempts: int
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class EventView:
    """An alert that was raised, with where it went."""

    id: int
    created_at: datetime
    rule_id: int | None
    listing_id: int | None
    message_zh: str
    message_en: str
    deliveries: tuple[DeliveryView, ...]


@dataclass(frozen=True)
class PurchaseView:
    """A recorded purchase and the price protection watching it (if the platform has any)."""

    id: int
    listing_id: int
    price: Decimal
    currency: str
    quantity: int
    bought_on: date
    claim_deadline: date | None
    rule_id: int | None


def add_rule(
    engine: Engine,
    kind: str,
    params: Mapping[str, Any],
    *,
    listing_id: int | None = None,
    product_id: int | None = None,
    channel_ids: Sequence[int] | None = None,
) -> RuleView:
    """Validate and store a rule on one listing or on a product (all its listings)."""
    if (listing_id is None) == (product_id is None):
        raise AlertError(
            "a rule watches either a listing or a product",
            "give exactly one id",
            zh=("一条规则只能盯一个商品链接或一个商品", "只给一个编号"),
        )
    checked = rule_kind(kind).parse_params(params)
    with session_scope(engine, write=True) as session:
        _require_target(session, listing_id, product_id)
        _require_channels(session, channel_ids)
        checked = _in_listing_currency(session, checked, listing_id, product_id)
        rule = AlertRule(
            kind=kind,
            params=checked,
            listing_id=listing_id,
            product_id=product_id,
            channel_ids=list(channel_ids) if channel_ids else None,
        )
        session.add(rule)
        session.flush()
        return _rule_view(session, rule)


def list_rules(engine: Engine) -> list[RuleView]:
    """Every rule, oldest first."""
    with session_scope(engine) as session:
        rules = session.exec(select(AlertRule).order_by(col(AlertRule.id))).all()
        return [_rule_view(session, rule) for rule in rules]


def remove_rule(engine: Engine, rule_id: int) -> RuleView:
    """Delete a rule; the alerts it raised stay in the history."""
    with session_scope(engine, write=True) as session:
        rule = session.get(AlertRule, rule_id)
        if rule is None:
            raise NotFoundError(
                f"no alert rule with id {rule_id}",
                "see daoshou alerts list",
                zh=(f"没有编号为 {rule_id} 的提醒规则", "用 daoshou alerts list 查看"),
            )
        view = _rule_view(session, rule)
        session.delete(rule)
        return view


def alert_history(engine: Engine, limit: int = 50) -> list[EventView]:
    """The newest `limit` alerts, newest first, each with its deliveries."""
    with session_scope(engine) as session:
        events = session.exec(
            select(AlertEvent)
            .order_by(col(AlertEvent.created_at).desc(), col(AlertEvent.id).desc())
            .limit(limit)
        ).all()
        deliveries = _deliveries_of(session, [e.id for e in events if e.id is not None])
        return [
            EventView(
                id=event.id or 0,
                created_at=event.created_at,
                rule_id=event.rule_id,
                listing_id=event.listing_id,
                message_zh=event.message_zh,
                message_en=event.message_en,
                deliveries=tuple(deliveries.get(event.id or 0, ())),
            )
            for event in events
        ]


def record_purchase(
    engine: Engine,
    listing_id: int,
    price: Decimal,
    bought_on: date,
    *,
    quantity: int = 1,
    currency: str = "CNY",
) -> PurchaseView:
    """Record a purchase; inside the platform's 价保 window, watch for a lower price."""
    if price <= 0 or price != price.quantize(AMOUNT_STEP):
        raise AlertError(
            f"purchase price {price} must be above zero, to at most 4 decimal places",
            "e.g. --price 59.90",
            zh=(f"购买价 {price} 必须大于零，最多 4 位小数", "例如 --price 59.90"),
        )
    if quantity < 1:
        raise AlertError(
            f"quantity {quantity} must be at least 1",
            "e.g. --quantity 2",
            zh=(f"数量 {quantity} 至少为 1", "例如 --quantity 2"),
        )
    if bought_on > date.today():
        raise AlertError(
            f"purchase date {bought_on} is in the future",
            "use YYYY-MM-DD, today or earlier",
            zh=(f"购买日期 {bought_on} 在未来", "用 YYYY-MM-DD 格式，今天或更早"),
        )
    bought_at = datetime.combine(bought_on, time(0)).astimezone().astimezone(UTC)
    with session_scope(engine, write=True) as session:
        listing = session.get(Listing, listing_id)
        if listing is None:
            raise no_such_listing(listing_id)
        purchase = Purchase(
            listing_id=listing_id,
            price=price,
            currency=currency,
            quantity=quantity,
            bought_at=bought_at,
        )
        session.add(purchase)
        session.flush()
        deadline = claim_deadline(bought_on, listing.platform)
        rule_id = None
        if deadline is not None and deadline >= date.today():
            params = rule_kind("price_protection").parse_params(
                {
                    "purchase_id": purchase.id,
                    "paid": str(price),
                    "currency": currency,
                    "quantity": quantity,
                    "bought_at": bought_at.isoformat(),
                    "watch_from": utcnow().isoformat(),
                    "deadline": deadline.isoformat(),
                }
            )
            rule = AlertRule(kind="price_protection", params=params, listing_id=listing_id)
            session.add(rule)
            session.flush()
            rule_id = rule.id
        assert purchase.id is not None
        return PurchaseView(
            purchase.id, listing_id, price, currency, quantity, bought_on, deadline, rule_id
        )


def _require_target(session: Session, listing_id: int | None, product_id: int | None) -> None:
    if listing_id is not None and session.get(Listing, listing_id) is None:
        raise no_such_listing(listing_id)
    if product_id is not None and session.get(Product, product_id) is None:
        raise NotFoundError(
            f"no product with id {product_id}",
            "see daoshou list --json (product_id)",
            zh=(f"没有编号为 {product_id} 的商品", "用 daoshou list --json 查看（product_id）"),
        )


def _in_listing_currency(
    session: Session, params: dict[str, Any], listing_id: int | None, product_id: int | None
) -> dict[str, Any]:
    """The rule's parameters in the currency its listings are priced in.

    A rule whose amounts are in another currency than its listing's prices would never
    fire, so the mismatch is refused here. A rule on a listing not yet priced takes the
    listing's currency when the first price arrives (`rules.rule_currency`).
    """
    observed = _observed_currencies(session, listing_id, product_id)
    given = params.get("currency")
    if given is None:
        if len(observed) > 1:
            raise AlertError(
                f"the listings of product {product_id} are priced in {', '.join(observed)}",
                "name the currency of the amounts with --currency",
                zh=(
                    f"商品 {product_id} 的各链接以 {'、'.join(observed)} 计价",
                    "用 --currency 注明金额的币种",
                ),
            )
        return {**params, "currency": observed[0]} if observed else params
    if observed and given not in observed:
        target = f"listing {listing_id}" if listing_id is not None else f"product {product_id}"
        raise AlertError(
            f"{target} is priced in {', '.join(observed)}, not {given}",
            f"give the amounts in {observed[0]} (--currency {observed[0]})",
            zh=(
                f"{target} 的价格以 {'、'.join(observed)} 计，不是 {given}",
                f"金额请用 {observed[0]}（--currency {observed[0]}）",
            ),
        )
    return params


def _observed_currencies(
    session: Session, listing_id: int | None, product_id: int | None
) -> list[str]:
    query = select(Observation.currency).distinct().where(col(Observation.currency).is_not(None))
    if listing_id is not None:
        query = query.where(Observation.listing_id == listing_id)
    else:
        ids = select(Listing.id).where(Listing.product_id == product_id)
        query = query.where(col(Observation.listing_id).in_(ids))
    return sorted(code for code in session.exec(query).all() if code)


def _require_channels(session: Session, channel_ids: Sequence[int] | None) -> None:
    if not channel_ids:
        return
    known = set(
        session.exec(
            select(AlertChannel.id).where(col(AlertChannel.id).in_(list(channel_ids)))
        ).all()
    )
    missing = sorted(set(channel_ids) - known)
    if missing:
        raise NotFoundError(
            f"no alert channel with id {missing[0]}",
            "see daoshou alerts channel list",
            zh=(f"没有编号为 {missing[0]} 的提醒渠道", "用 daoshou alerts channel list 查看"),
        )


def _rule_view(session: Session, rule: AlertRule) -> RuleView:
    if rule.listing_id is not None:
        listing = session.get(Listing, rule.listing_id)
        product = listing and session.get(Product, listing.product_id)
    else:
        product = session.get(Product, rule.product_id)
    assert rule.id is not None
    waiting = getattr(rule_kind(rule.kind), "waiting", None)
    last = _last_priced(session, rule) if waiting is not None else None
    return RuleView(
        id=rule.id,
        kind=rule.kind,
        listing_id=rule.listing_id,
        product_id=rule.product_id,
        target_name=product.name if product else "?",
        params=dict(rule.params or {}),
        channel_ids=tuple(rule.channel_ids) if rule.channel_ids else None,
        armed=rule.armed,
        active=rule.active,
        created_at=rule.created_at,
        waiting=waiting(rule.params or {}, last) if waiting and last else None,
    )


def _last_priced(session: Session, rule: AlertRule) -> Observation | None:
    """The newest priced observation of what the rule watches (its listing, or any
    listing of its product)."""
    query = select(Observation).where(col(Observation.price).is_not(None))
    if rule.listing_id is not None:
        query = query.where(Observation.listing_id == rule.listing_id)
    else:
        ids = select(Listing.id).where(Listing.product_id == rule.product_id)
        query = query.where(col(Observation.listing_id).in_(ids))
    order = (col(Observation.observed_at).desc(), col(Observation.id).desc())
    return session.exec(query.order_by(*order).limit(1)).first()


def _deliveries_of(session: Session, event_ids: list[int]) -> dict[int, list[DeliveryView]]:
    d, c = table_of(AlertDelivery), table_of(AlertChannel)
    rows = session.execute(
        sa.select(d, c.c.label)
        .join(c, c.c.id == d.c.channel_id)
        .where(d.c.event_id.in_(event_ids))
        .order_by(d.c.event_id, d.c.channel_id)
    )
    grouped: dict[int, list[DeliveryView]] = {}
    for row in rows:
        grouped.setdefault(row.event_id, []).append(
            DeliveryView(
                row.channel_id, row.label, row.status, row.attempts, row.sent_at, row.last_error
            )
        )
    return grouped
