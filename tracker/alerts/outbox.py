"""Delivering the outbox: every pending (event, channel) row sent once, with retries.

Raising an alert only writes rows (`engine.py`); this module sends them after commit, so
nothing is sent for an observation that was rolled back, and nothing committed is lost:
a process killed before sending leaves `pending` rows the next run picks up.

Claiming is one conditional UPDATE per row (`status` in pending/sending and
`next_attempt_at` due -> `sending`, with `next_attempt_at` moved to the end of a lease),
committed before anything is sent. Two processes racing for a row both run the UPDATE;
the database lets exactly one of them change it (SQLite serialises writers, PostgreSQL
re-checks the WHERE clause after the row lock), and only that one sends. A process that
dies while sending leaves a `sending` row whose lease expires and is retried, so the one
unavoidable duplicate is a crash after the channel accepted and before we recorded it.

A failure is retried with exponential backoff (with jitter, capped) up to a maximum
number of attempts, then marked `failed`. Each row is independent, so one failing or slow
channel never holds back the others.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import apprise
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from tracker.alerts.channels import channel_targets, channel_url
from tracker.alerts.send_failures import NOT_ACCEPTED, REFUSED
from tracker.settings import Language, load_settings, resolve_language
from tracker.store import db
from tracker.store.db import session_scope
from tracker.store.tables import AlertChannel, AlertDelivery, AlertEvent, table_of, utcnow

log = logging.getLogger(__name__)

_D = table_of(AlertDelivery)
_E = table_of(AlertEvent)
_C = table_of(AlertChannel)
_DUE = ("pending", "sending")
TITLES = {"zh": "到手提醒", "en": "daoshou alert"}
MAX_ERROR_CHARS = 300

# A sender returns None when the channel accepted the message, else why it did not.
Sender = Callable[[str, str, str], str | None]


@dataclass(frozen=True)
class RetryPolicy:
    """How deliveries are retried; the defaults suit a daemon checking every few hours."""

    base_seconds: float = 30.0
    cap_seconds: float = 3600.0
    max_attempts: int = 28  # about a day of retries with the defaults
    lease_seconds: float = 300.0  # longer than any Apprise plugin's timeouts
    workers: int = 4

    def delay(self, attempts: int) -> timedelta:
        """Backoff after `attempts` failures: base * 2^(attempts-1), capped, 75-100% jitter."""
        seconds = min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=seconds * random.uniform(0.75, 1.0))


@dataclass(frozen=True)
class DeliveryReport:
    """What one `deliver_pending` pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    attempts: int
    channel_label: str
    secret_key: str
    message: str


def apprise_send(url: str, title: str, body: str) -> str | None:
    """Send through Apprise; None on success, else the warning Apprise logged."""
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return NOT_ACCEPTED
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        ok = notifier.notify(body=body, title=title)
    if ok:
        return None
    lines = [line for line in captured.getvalue().splitlines() if line.strip()]
    text = lines[-1] if lines else REFUSED
    return text.replace(url, "<channel URL>")


def deliver_pending(
    engine: Engine,
    *,
    language: str | None = None,
    policy: RetryPolicy | None = None,
    send: Sender = apprise_send,
    limit: int = 200,
) -> DeliveryReport:
    """Send every due delivery once; returns counts. Safe to run from several processes.

    Without `language` or `policy`, the user's settings decide (`[ui] language`,
    `[alerts] retry_base_seconds`).
    """
    policy = policy or RetryPolicy(base_seconds=load_settings().alert_retry_base_seconds)
    lang = resolve_language(language)
    due = _due_ids(engine, limit)
    if not due:
        return DeliveryReport()
    with ThreadPoolExecutor(max_workers=max(1, min(policy.workers, len(due)))) as pool:
        attempts = list(pool.map(lambda i: _deliver_one(engine, i, lang, policy, send), due))
    outcomes = [o for o in attempts if o is not None]
    errors = tuple(error for status, error in outcomes if error)
    return DeliveryReport(
        sent=sum(1 for status, _ in outcomes if status == "sent"),
        retrying=sum(1 for status, _ in outcomes if status == "pending"),
        failed=sum(1 for status, _ in outcomes if status == "failed"),
        errors=errors,
    )


def pending_count(engine: Engine) -> int:
    """How many deliveries are still waiting (due now or later)."""
    query = sa.select(sa.func.count()).select_from(_D).where(_D.c.status.in_(_DUE))
    return int(db.read_value(engine, query) or 0)


def next_due_at(engine: Engine) -> datetime | None:
    """When the earliest waiting delivery is due, None when nothing waits."""
    query = sa.select(sa.func.min(_D.c.next_attempt_at)).where(_D.c.status.in_(_DUE))
    due: datetime | None = db.read_value(engine, query)
    return due


def _due_ids(engine: Engine, limit: int) -> list[int]:
    with session_scope(engine) as session:
        query = (
            sa.select(_D.c.id)
            .where(_D.c.status.in_(_DUE), _D.c.next_attempt_at <= utcnow())
            .order_by(_D.c.next_attempt_at, _D.c.id)
            .limit(limit)
        )
        return list(session.execute(query).scalars())


def _deliver_one(
    engine: Engine, delivery_id: int, lang: Language, policy: RetryPolicy, send: Sender
) -> tuple[str, str | None] | None:
    """Claim, send and record one delivery; None when another process claimed it first."""
    claimed = _claim(engine, delivery_id, lang, policy)
    if claimed is None:
        return None
    url = channel_url(claimed.secret_key)
    try:
        error = send(url, TITLES[lang], claimed.message) if url else "channel URL file lost"
    except Exception as exc:  # a plugin bug must not lose the row: it is retried like a failure
        log.warning("channel %s raised while sending", claimed.channel_label, exc_info=True)
        error = f"{type(exc).__name__}: {exc}"
    status = _finish(engine, claimed, error, policy)
    if error:
        error = f"{claimed.channel_label}: {error}"[:MAX_ERROR_CHARS]
        level = logging.WARNING if status == "failed" else logging.INFO
        log.log(level, "alert delivery %s %s: %s", delivery_id, status, error)
    return status, error


def _claim(
    engine: Engine, delivery_id: int, lang: Language, policy: RetryPolicy
) -> _Claimed | None:
    now = utcnow()
    with session_scope(engine, write=True) as session:
        claimed = db.rows_changed(
            session,
            sa.update(_D)
            .where(_D.c.id == delivery_id, _D.c.status.in_(_DUE), _D.c.next_attempt_at <= now)
            .values(
                status="sending",
                attempts=_D.c.attempts + 1,
                next_attempt_at=now + timedelta(seconds=policy.lease_seconds),
            ),
        )
        if claimed != 1:
            return None
        row = session.execute(
            sa.select(_D.c.attempts, _C.c.label, _C.c.secret_key, _E.c.message_zh, _E.c.message_en)
            .join(_E, _E.c.id == _D.c.event_id)
            .join(_C, _C.c.id == _D.c.channel_id)
            .where(_D.c.id == delivery_id)
        ).one()
    message = row.message_zh if lang == "zh" else row.message_en
    return _Claimed(delivery_id, row.attempts, row.label, row.secret_key, message)


def _finish(engine: Engine, claimed: _Claimed, error: str | None, policy: RetryPolicy) -> str:
    now = utcnow()
    if error is None:
        values: dict[str, object] = {"status": "sent", "sent_at": now, "last_error": None}
    elif claimed.attempts >= policy.max_attempts:
        values = {"status": "failed", "last_error": error[:MAX_ERROR_CHARS]}
    else:
        values = {
            "status": "pending",
            "next_attempt_at": now + policy.delay(claimed.attempts),
            "last_error": error[:MAX_ERROR_CHARS],
        }
    db.write_rows(
        engine,
        sa.update(_D)
        .where(_D.c.id == claimed.delivery_id, _D.c.status == "sending")
        .values(**values),
    )
    return str(values["status"])


@dataclass(frozen=True)
class ChannelCheck:
    """How one channel took the test message."""

    channel_id: int
    channel_label: str
    ok: bool
    error: str | None


TEST_MESSAGES = {
    "zh": "【到手】测试消息：降价提醒会这样送达。",
    "en": "[daoshou] Test message: price alerts will arrive like this.",
}


def send_test_message(
    engine: Engine, *, language: str | None = None, send: Sender = apprise_send
) -> list[ChannelCheck]:
    """Send a test message to every channel now, outside the outbox, and report each."""
    lang = resolve_language(language)
    results = []
    for view, url in channel_targets(engine):
        error = send(url, TITLES[lang], TEST_MESSAGES[lang]) if url else "channel URL file lost"
        results.append(ChannelCheck(view.id, view.label, error is None, error))
    return results
