"""Raising alerts: evaluate the rules an observation concerns and write the outbox rows.

`raise_alerts` runs inside the caller's transaction, the one that stores the observation
(the check pipeline calls it), so an observation and the alerts it raised are committed
together or not at all. It only writes: sending is the outbox's job (`outbox.py`), after
commit, so a crash between the two leaves pending deliveries that the next
`deliver_pending` sends.

Each event's dedupe key is `rule:<rule id>:listing:<listing id>:<kind>:<trigger identity>`
and is unique in the table. Events are inserted with ON CONFLICT DO NOTHING (SQLite and
PostgreSQL alike), so a re-check, a restart or a second process evaluating the same
change writes nothing the second time and never aborts the caller's transaction.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from planner.money import format_money
from tracker.alerts import messages
from tracker.alerts.kinds import rule_kind
from tracker.alerts.rules import RuleContext, RuleKind, Trigger
from tracker.errors import AlertError
from tracker.store.db import session_scope
from tracker.store.tables import (
    AlertChannel,
    AlertDelivery,
    AlertEvent,
    AlertRule,
    Listing,
    Observation,
    Product,
    table_of,
    utcnow,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RaisedAlert:
    """An alert written to the outbox, waiting for delivery to `channel_ids`."""

    event_id: int
    rule_id: int | None
    listing_id: int | None
    dedupe_key: str
    message_zh: str
    message_en: str
    channel_ids: tuple[int, ...]


def raise_alerts(session: Session, observation: Observation) -> list[RaisedAlert]:
    """Evaluate every active rule on `observation`'s listing or product; write new events."""
    if observation.id is None:
        session.flush()
    listing = session.get(Listing, observation.listing_id)
    product = session.get(Product, listing.product_id) if listing is not None else None
    if listing is None or product is None:
        return []
    rules = session.exec(
        select(AlertRule)
        .where(
            col(AlertRule.active).is_(True),
            sa.or_(
                col(AlertRule.listing_id) == listing.id, col(AlertRule.product_id) == product.id
            ),
        )
        .order_by(col(AlertRule.id))
    ).all()
    subject = messages.Subject(
        _display_name(product, listing, observation), listing.platform, listing.url
    )
    raised: list[RaisedAlert] = []
    for rule in rules:
        trigger, kind = _evaluate(session, rule, listing, observation)
        if trigger is None or kind is None:
            continue
        alert = record_event(
            session,
            rule=rule,
            listing_id=listing.id,
            observation_id=observation.id,
            dedupe_key=f"rule:{rule.id}:listing:{listing.id}:{rule.kind}:{trigger.identity}",
            message_zh=messages.render(
                subject, trigger, kind.describe(rule.params, trigger, "zh"), "zh"
            ),
            message_en=messages.render(
                subject, trigger, kind.describe(rule.params, trigger, "en"), "en"
            ),
            payload=_payload(rule, subject, trigger),
        )
        if alert is not None:
            raised.append(alert)
    return raised


def _evaluate(
    session: Session, rule: AlertRule, listing: Listing, observation: Observation
) -> tuple[Trigger | None, RuleKind | None]:
    """Run one rule; a rule that cannot be evaluated is logged, never fatal to the check."""
    try:
        kind = rule_kind(rule.kind)
        if kind.needs_price and observation.price is None:
            return None, kind
        scope = (
            (observation.listing_id,)
            if rule.listing_id is not None
            else _product_listing_ids(session, listing)
        )
        ctx = RuleContext(session, rule.params or {}, observation, scope)
        trigger = kind.evaluate(ctx)
    except (AlertError, KeyError, ValueError, TypeError, InvalidOperation):
        log.warning(
            "alert rule %s (%s) cannot be evaluated; skipped", rule.id, rule.kind, exc_info=True
        )
        return None, None
    _track_armed(kind, rule, trigger, observation)
    return trigger, kind


def _track_armed(
    kind: RuleKind, rule: AlertRule, trigger: Trigger | None, observation: Observation
) -> None:
    """Keep `rule.armed` for display; the dedupe key, not this flag, enforces hysteresis."""
    is_rearmed = getattr(kind, "is_rearmed", None)
    if is_rearmed is None:
        return
    if trigger is not None:
        rule.armed = False
    elif is_rearmed(rule.params, observation):
        rule.armed = True


def _display_name(product: Product, listing: Listing, observation: Observation) -> str:
    """The product's name, or the page title while the name is only the URL placeholder
    that `daoshou add` gives a product the user did not name."""
    stem = product.name.rstrip("…")
    is_placeholder = bool(stem) and listing.url.split("://", 1)[-1].startswith(stem)
    return observation.title if is_placeholder and observation.title else product.name


def _product_listing_ids(session: Session, listing: Listing) -> tuple[int, ...]:
    ids = session.exec(select(Listing.id).where(Listing.product_id == listing.product_id)).all()
    return tuple(i for i in ids if i is not None)


def _payload(rule: AlertRule, subject: messages.Subject, trigger: Trigger) -> dict[str, Any]:
    return {
        "kind": rule.kind,
        "product": subject.product_name,
        "platform": subject.platform,
        "url": subject.url,
        "old_price": None if trigger.old_price is None else str(trigger.old_price),
        "new_price": None if trigger.new_price is None else str(trigger.new_price),
        "currency": trigger.currency,
        "facts": dict(trigger.facts),
    }


def record_event(
    session: Session,
    *,
    rule: AlertRule | None,
    listing_id: int | None,
    observation_id: int | None,
    dedupe_key: str,
    message_zh: str,
    message_en: str,
    payload: Mapping[str, Any],
) -> RaisedAlert | None:
    """Write one event and its deliveries; None when the dedupe key was already written.

    This is the one entry to the outbox: rule kinds that are not driven by an observation
    (a forecast, a plan) call it directly with their own key, and delivery stays the same.
    """
    rule_id = rule.id if rule else None
    values = {
        "rule_id": rule_id,
        "listing_id": listing_id,
        "observation_id": observation_id,
        "dedupe_key": dedupe_key,
        "created_at": utcnow(),
        "message_zh": message_zh,
        "message_en": message_en,
        "payload": dict(payload),
    }
    event_id = session.execute(_insert_once(session, values)).scalar()
    if event_id is None:
        return None
    channel_ids = _channels_for(session, rule.channel_ids if rule else None)
    now = utcnow()
    for channel_id in channel_ids:
        session.add(AlertDelivery(event_id=event_id, channel_id=channel_id, next_attempt_at=now))
    session.flush()
    return RaisedAlert(
        event_id, rule_id, listing_id, dedupe_key, message_zh, message_en, channel_ids
    )


def _insert_once(session: Session, values: Mapping[str, Any]) -> sa.Executable:
    table = table_of(AlertEvent)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table).on_conflict_do_nothing(
            index_elements=["dedupe_key"]
        )
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    else:
        raise AlertError(
            f"alerts need SQLite or PostgreSQL, not {dialect}",
            "use a supported database",
            zh=(f"提醒需要 SQLite 或 PostgreSQL 数据库，不支持 {dialect}", "换用支持的数据库"),
        )
    returning: sa.Executable = statement.values(**values).returning(table.c.id)
    return returning


def _channels_for(session: Session, wanted: Sequence[int] | None) -> tuple[int, ...]:
    """The rule's own channels that still exist, or every channel when it names none."""
    query = select(AlertChannel.id).order_by(col(AlertChannel.id))
    if wanted:
        query = query.where(col(AlertChannel.id).in_(list(wanted)))
    return tuple(i for i in session.exec(query).all() if i is not None)


def record_plan_change(
    engine: sa.Engine,
    cart_name: str,
    old: Decimal,
    new: Decimal,
    currency: str,
    *,
    moved_zh: Sequence[str] = (),
    moved_en: Sequence[str] = (),
) -> bool:
    """Raise a "plan changed" alert: old and new total and what moved (once per pair of
    plans: the dedupe key names both); False when it was already raised."""
    old_text = format_money(old, currency, grouped=True)
    new_text = format_money(new, currency, grouped=True)
    zh = f"购物车「{cart_name}」方案变化：总价 {old_text} → {new_text}"
    en = f"Plan for cart {cart_name!r} changed: total {old_text} → {new_text}"
    with session_scope(engine, write=True) as session:
        raised = record_event(
            session,
            rule=None,
            listing_id=None,
            observation_id=None,
            dedupe_key=f"plan-changed:{cart_name}:{old}:{new}:{';'.join(moved_en)}"[:500],
            message_zh="；".join([zh, *moved_zh]),
            message_en="; ".join([en, *moved_en]),
            payload={
                "kind": "plan_changed",
                "cart": cart_name,
                "old": str(old),
                "new": str(new),
                "currency": currency,
                "moved": list(moved_en),
            },
        )
    return raised is not None
