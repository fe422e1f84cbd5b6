"""The outbox against a real receiver process: sent once, retried, never twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import sqlalchemy as sa

from tracker.alerts import kinds
from tracker.alerts.channels import add_channel
from tracker.alerts.engine import record_event
from tracker.alerts.outbox import RetryPolicy, deliver_pending, pending_count
from tracker.alerts.rulebook import add_rule
from tracker.alerts.rules import Trigger
from tracker.store.db import session_scope
from tracker.store.tables import AlertDelivery, utcnow

FAST = RetryPolicy(base_seconds=0, cap_seconds=0, max_attempts=5)


def _raise_one(store, price="45"):
    listing = store.listing()
    store.rule("target", {"price": "50"}, listing_id=listing.id)
    alerts = store.observe(listing.id, price)
    assert len(alerts) == 1
    return alerts[0]


def _deliveries(store):
    with session_scope(store.engine) as session:
        return session.execute(sa.select(AlertDelivery.__table__)).all()


def test_one_event_is_delivered_once_in_the_chosen_language(store, receiver):
    add_channel(store.engine, receiver.url)
    alert = _raise_one(store)
    report = deliver_pending(store.engine, language="en", policy=FAST)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert deliver_pending(store.engine, language="en", policy=FAST).sent == 0
    [body] = receiver.received()
    assert body["message"] == alert.message_en and body["title"] == "daoshou alert"
    assert _deliveries(store)[0].status == "sent"


def test_chinese_message_when_the_language_is_chinese(store, receiver):
    add_channel(store.engine, receiver.url)
    alert = _raise_one(store)
    deliver_pending(store.engine, language="zh", policy=FAST)
    [body] = receiver.received()
    assert body["message"] == alert.message_zh and body["title"] == "到手提醒"


def test_a_failing_channel_does_not_block_the_others(store, receiver):
    add_channel(store.engine, "json://127.0.0.1:9/nobody-listens")
    add_channel(store.engine, receiver.url)
    _raise_one(store)
    report = deliver_pending(store.engine, language="en", policy=RetryPolicy(base_seconds=60))
    assert (report.sent, report.retrying) == (1, 1)
    assert len(receiver.received()) == 1
    failing = [d for d in _deliveries(store) if d.status == "pending"]
    assert failing[0].attempts == 1 and failing[0].last_error
    assert failing[0].next_attempt_at > utcnow() + timedelta(seconds=40)
    assert "json://127.0.0.1:9/nobody-listens" in report.errors[0]


def test_503_then_recovery_delivers_exactly_once(store, receiver):
    add_channel(store.engine, receiver.url)
    _raise_one(store)
    receiver.fail(3)
    results = [deliver_pending(store.engine, language="en", policy=FAST) for _ in range(5)]
    assert [r.sent for r in results] == [0, 0, 0, 1, 0]
    assert receiver.refused() == 3 and len(receiver.received()) == 1
    assert pending_count(store.engine) == 0


def test_gives_up_after_the_maximum_attempts(store, receiver):
    add_channel(store.engine, receiver.url)
    _raise_one(store)
    receiver.fail(100)
    policy = RetryPolicy(base_seconds=0, cap_seconds=0, max_attempts=2)
    reports = [deliver_pending(store.engine, policy=policy) for _ in range(3)]
    assert [(r.retrying, r.failed) for r in reports] == [(1, 0), (0, 1), (0, 0)]
    assert _deliveries(store)[0].status == "failed"


def test_racing_deliverers_send_each_delivery_once(store, receiver):
    add_channel(store.engine, receiver.url)
    listing = store.listing()
    store.rule("drop", {"amount": "1"}, listing_id=listing.id)
    for price in range(200, 170, -2):
        store.observe(listing.id, str(price))
    expected = pending_count(store.engine)
    assert expected == 14
    threads = [
        threading.Thread(target=deliver_pending, args=(store.engine,), kwargs={"policy": FAST})
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    messages = [body["message"] for body in receiver.received()]
    assert len(messages) == expected == len(set(messages))


def test_a_delivery_left_sending_by_a_dead_process_is_retried_after_its_lease(store, receiver):
    add_channel(store.engine, receiver.url)
    _raise_one(store)
    lease_end = utcnow() + timedelta(minutes=5)
    with session_scope(store.engine, write=True) as session:
        session.execute(
            sa.update(AlertDelivery.__table__).values(status="sending", next_attempt_at=lease_end)
        )
    assert deliver_pending(store.engine, policy=FAST).sent == 0
    with session_scope(store.engine, write=True) as session:
        session.execute(
            sa.update(AlertDelivery.__table__).values(
                next_attempt_at=utcnow() - timedelta(seconds=1)
            )
        )
    assert deliver_pending(store.engine, policy=FAST).sent == 1
    assert len(receiver.received()) == 1


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(base_seconds=10, cap_seconds=60)
    delays = [policy.delay(n).total_seconds() for n in (1, 2, 3, 4, 5)]
    assert 7.5 <= delays[0] <= 10 and 15 <= delays[1] <= 20 and 30 <= delays[2] <= 40
    assert 45 <= delays[3] <= 60 and 45 <= delays[4] <= 60


def test_a_rule_with_its_own_channels_goes_only_there(store, receiver):
    add_channel(store.engine, "json://127.0.0.1:9/elsewhere")
    mine = add_channel(store.engine, receiver.url)
    listing = store.listing()
    add_rule(store.engine, "target", {"price": "50"}, listing_id=listing.id, channel_ids=[mine.id])
    [alert] = store.observe(listing.id, "45")
    assert alert.channel_ids == (mine.id,)
    assert deliver_pending(store.engine, policy=FAST).sent == 1
    assert len(_deliveries(store)) == 1


def test_a_new_rule_kind_is_delivered_without_changing_delivery(store, receiver, monkeypatch):
    """The extension point: a kind added to the table; the engine and outbox are unchanged."""

    class EndsInNine:
        name = "ends_in_nine"
        needs_price = True

        def parse_params(self, raw):
            return {}

        def evaluate(self, ctx):
            price = ctx.observation.price
            if price % 10 != 9:
                return None
            return Trigger(f"nine-{price}", price, None, ctx.observation.currency)

        def describe(self, params, trigger, lang):
            return "以9结尾" if lang == "zh" else "ends in nine"

    monkeypatch.setitem(kinds.KINDS, "ends_in_nine", EndsInNine())
    add_channel(store.engine, receiver.url)
    listing = store.listing()
    store.rule("ends_in_nine", {}, listing_id=listing.id)
    assert store.observe(listing.id, "40") == []
    store.observe(listing.id, "39")
    deliver_pending(store.engine, language="en", policy=FAST)
    [body] = receiver.received()
    assert body["message"].endswith(f"now ¥39.00, ends in nine {listing.url}")


def test_record_event_is_the_entry_for_kinds_without_an_observation(store, receiver):
    add_channel(store.engine, receiver.url)
    with session_scope(store.engine, write=True) as session:
        first = record_event(
            session,
            rule=None,
            listing_id=None,
            observation_id=None,
            dedupe_key="plan:cart-1:total:1234.00",
            message_zh="【到手】购物车总价变为 ¥1234.00",
            message_en="[daoshou] cart total is now ¥1234.00",
            payload={"kind": "plan_total"},
        )
        again = record_event(
            session,
            rule=None,
            listing_id=None,
            observation_id=None,
            dedupe_key="plan:cart-1:total:1234.00",
            message_zh="重复",
            message_en="duplicate",
            payload={},
        )
    assert first is not None and again is None
    deliver_pending(store.engine, language="zh", policy=FAST)
    assert [b["message"] for b in receiver.received()] == ["【到手】购物车总价变为 ¥1234.00"]
