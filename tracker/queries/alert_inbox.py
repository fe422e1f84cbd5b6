"""The alert inbox read-model: fired alerts, newest first, with how their deliveries went.

One grouped query over the outbox (`AlertEvent`) and its deliveries, for the Alerts
screen; delivery itself belongs to `tracker.alerts.outbox`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from tracker.store.tables import AlertDelivery, AlertEvent, table_of


@dataclass(frozen=True)
class InboxEntry:
    """One fired alert with how its deliveries are going."""

    event_id: int
    created_at: datetime
    listing_id: int | None
    message_zh: str
    message_en: str
    sent: int
    pending: int
    failed: int


def load_inbox(engine: sa.Engine, limit: int = 200) -> list[InboxEntry]:
    """The newest fired alerts first, with delivery counts per status (one grouped query)."""
    d = table_of(AlertDelivery).c
    e = table_of(AlertEvent).c
    counts = (
        sa.select(
            d.event_id,
            sa.func.sum(sa.case((d.status == "sent", 1), else_=0)).label("sent"),
            sa.func.sum(sa.case((d.status.in_(("pending", "sending")), 1), else_=0)).label(
                "pending"
            ),
            sa.func.sum(sa.case((d.status == "failed", 1), else_=0)).label("failed"),
        )
        .group_by(d.event_id)
        .subquery()
    )
    query = (
        sa.select(
            e.id,
            e.created_at,
            e.listing_id,
            e.message_zh,
            e.message_en,
            counts.c.sent,
            counts.c.pending,
            counts.c.failed,
        )
        .select_from(table_of(AlertEvent).outerjoin(counts, counts.c.event_id == e.id))
        .order_by(e.created_at.desc(), e.id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [
            InboxEntry(
                row.id,
                row.created_at,
                row.listing_id,
                row.message_zh,
                row.message_en,
                int(row.sent or 0),
                int(row.pending or 0),
                int(row.failed or 0),
            )
            for row in conn.execute(query)
        ]
