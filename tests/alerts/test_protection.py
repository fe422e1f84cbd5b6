"""Price protection (价保): windows from the shipped file and the user's, and the rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from tracker.alerts.protection import claim_deadline, protection_windows, user_windows_file
from tracker.alerts.rulebook import record_purchase
from tracker.errors import AlertError
from tracker.store.tables import utcnow


def test_shipped_windows_cover_the_platforms():
    windows = protection_windows()
    assert {"jd", "tmall", "taobao", "pdd", "douyin", "web"} <= set(windows)
    assert claim_deadline(date(2026, 11, 11), "web") is None
    assert claim_deadline(date(2026, 11, 11), "jd") == date(2026, 11, 11) + timedelta(
        days=windows["jd"]
    )


def test_user_file_overrides_platform_by_platform(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path))
    user_windows_file().write_text("[windows]\njd = 7\nweb = 10\n", encoding="utf-8")
    windows = protection_windows()
    assert windows["jd"] == 7 and windows["web"] == 10 and windows["tmall"] == 15


@pytest.mark.parametrize(
    "text", ["[windows]\njd = -1\n", "[windows]\njd = 'thirty'\n", "windows = 3\n", "[windows\n"]
)
def test_a_bad_user_file_is_a_clear_error(tmp_path, monkeypatch, text):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path))
    user_windows_file().write_text(text, encoding="utf-8")
    with pytest.raises(AlertError, match=r"price_protection\.toml"):
        protection_windows()


def test_a_drop_after_a_purchase_alerts_with_the_claim_and_deadline(store):
    listing = store.listing(platform="jd")
    today = date.today()
    purchase = record_purchase(store.engine, listing.id, Decimal("199"), today, quantity=2)
    assert purchase.rule_id is not None and purchase.claim_deadline == today + timedelta(days=30)
    now = utcnow()
    store.observe(listing.id, "199", at=now + timedelta(hours=1))
    alerts = store.observe(listing.id, "179", at=now + timedelta(hours=2))
    assert len(alerts) == 1
    deadline = purchase.claim_deadline.isoformat()
    assert f"claim ¥40.00 back by {deadline}" in alerts[0].message_en
    assert "¥199.00 -> ¥179.00" in alerts[0].message_en
    assert f"可申请退差价 ¥40.00，截止 {deadline}" in alerts[0].message_zh
    # back up, then down to the same price: the user already knows; lower: a bigger claim
    assert store.observe(listing.id, "199", at=now + timedelta(hours=3)) == []
    assert store.observe(listing.id, "179", at=now + timedelta(hours=4)) == []
    assert (
        "claim ¥60.00"
        in store.observe(listing.id, "169", at=now + timedelta(hours=5))[0].message_en
    )


def test_a_drop_seen_before_the_purchase_was_recorded_still_alerts(store):
    listing = store.listing(platform="tmall")
    bought_on = date.today() - timedelta(days=2)
    drop_seen = datetime.combine(bought_on + timedelta(days=1), time(12)).astimezone(UTC)
    store.observe(listing.id, "89", at=drop_seen)
    record_purchase(store.engine, listing.id, Decimal("99"), bought_on)
    alerts = store.observe(listing.id, "89", at=utcnow())
    assert len(alerts) == 1 and "claim ¥10.00" in alerts[0].message_en


def test_no_protection_rule_without_a_window(store):
    listing = store.listing(platform="web")
    purchase = record_purchase(store.engine, listing.id, Decimal("10"), date.today())
    assert purchase.rule_id is None and purchase.claim_deadline is None


def test_an_expired_window_sets_no_rule(store):
    listing = store.listing(platform="pdd")
    purchase = record_purchase(
        store.engine, listing.id, Decimal("10"), date.today() - timedelta(days=90)
    )
    assert purchase.rule_id is None and purchase.claim_deadline is not None


def test_a_purchase_in_the_future_is_refused(store):
    listing = store.listing()
    with pytest.raises(AlertError, match="future"):
        record_purchase(store.engine, listing.id, Decimal("10"), date.today() + timedelta(days=2))
