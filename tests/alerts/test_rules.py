"""Every rule kind, evaluated by the engine on a real migrated SQLite store."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from tracker.alerts.engine import raise_alerts
from tracker.alerts.kinds import kind_names, rule_kind
from tracker.errors import AlertError
from tracker.store.db import session_scope
from tracker.store.tables import AlertEvent, AlertRule, Observation

from .conftest import T0


def _fired(alerts):
    return [a.message_en for a in alerts]


def test_the_table_holds_every_builtin_kind():
    assert {"target", "drop", "lowest", "in_stock", "price_protection"} <= set(kind_names())


def test_target_fires_at_or_below_and_names_old_and_new_price(store):
    listing = store.listing()
    store.rule("target", {"price": "50"}, listing_id=listing.id)
    assert store.observe(listing.id, "59.90") == []
    alerts = store.observe(listing.id, "50.00")
    assert len(alerts) == 1
    message = alerts[0].message_en
    assert "¥59.90 -> ¥50.00" in message and "target ≤ ¥50.00" in message
    assert "Liby detergent 3kg (JD)" in message and listing.url in message
    assert "¥59.90 → ¥50.00" in alerts[0].message_zh and "京东" in alerts[0].message_zh


def test_an_unnamed_product_is_called_by_its_page_title(store):
    listing = store.listing(name="item.example.com/77.html", url="https://item.example.com/77.html")
    store.rule("target", {"price": "50"}, listing_id=listing.id)
    alerts = store.observe(listing.id, "45", title="Liby 洗衣液 3kg [2-pack]")
    assert alerts[0].message_en.startswith("[daoshou] Liby 洗衣液 3kg [2-pack] (JD): now ¥45.00")


def test_target_hysteresis_one_alert_per_real_crossing(store):
    listing = store.listing()
    store.rule("target", {"price": "100", "margin": "5"}, listing_id=listing.id)
    prices = ["110", "99", "101", "98", "104", "97", "106", "99", "100", "120", "95"]
    fired = [p for p in prices if store.observe(listing.id, p)]
    # 99 crosses; 101/104 stay inside the margin; 106 re-arms so 99 crosses; 120 re-arms.
    assert fired == ["99", "99", "95"]


def test_target_rule_armed_flag_follows_hysteresis(store):
    listing = store.listing()
    rule = store.rule("target", {"price": "100", "margin": "5"}, listing_id=listing.id)

    def armed():
        with session_scope(store.engine) as session:
            return session.get(AlertRule, rule.id).armed

    store.observe(listing.id, "90")
    assert armed() is False
    store.observe(listing.id, "103")
    assert armed() is False
    store.observe(listing.id, "106")
    assert armed() is True


def test_target_ignores_other_currency_from_prices_and_no_price(store):
    listing = store.listing()
    store.rule("target", {"price": "50", "currency": "CNY"}, listing_id=listing.id)
    assert store.observe(listing.id, "10", currency="USD") == []
    assert store.observe(listing.id, "10", is_from_price=True) == []
    assert store.observe(listing.id, None) == []


def test_target_default_margin_is_two_percent():
    assert rule_kind("target").parse_params({"price": "200"})["margin"] == "4.00"


def test_product_rule_covers_every_listing_separately(store):
    first = store.listing()
    second = store.second_listing(first.product_id)
    store.rule("target", {"price": "50"}, product_id=first.product_id)
    assert len(store.observe(first.id, "49")) == 1
    alerts = store.observe(second.id, "48")
    assert len(alerts) == 1 and "(Tmall)" in alerts[0].message_en
    assert store.observe(first.id, "47") == []


def test_drop_percent_against_last_price(store):
    listing = store.listing()
    store.rule("drop", {"pct": "10"}, listing_id=listing.id)
    assert store.observe(listing.id, "100") == []
    assert store.observe(listing.id, "91") == []  # 9%
    alerts = store.observe(listing.id, "81.90")  # 10% of 91
    assert len(alerts) == 1 and "dropped ≥ 10% since last check" in alerts[0].message_en
    assert "¥91.00 -> ¥81.90" in alerts[0].message_en
    assert store.observe(listing.id, "81.90") == []


def test_drop_amount_against_last_price(store):
    listing = store.listing()
    store.rule("drop", {"amount": "20"}, listing_id=listing.id)
    store.observe(listing.id, "300")
    assert store.observe(listing.id, "281") == []
    assert len(store.observe(listing.id, "261")) == 1


def test_drop_against_30_day_median_fires_once_per_episode(store):
    listing = store.listing()
    store.rule("drop", {"pct": "20", "basis": "median30"}, listing_id=listing.id)
    for price in ["100", "102", "98", "100"]:
        assert store.observe(listing.id, price) == []
    alerts = store.observe(listing.id, "79")
    assert len(alerts) == 1 and "30-day median ¥100.00" in alerts[0].message_en
    assert store.observe(listing.id, "78") == []  # still the same episode
    assert "30天中位价" in alerts[0].message_zh


def test_drop_against_median_needs_enough_history(store):
    listing = store.listing()
    store.rule("drop", {"pct": "20", "basis": "median30"}, listing_id=listing.id)
    store.observe(listing.id, "100")
    assert store.observe(listing.id, "50") == []


def test_lowest_since_tracking_and_lowest_ever_with_imported_history(store):
    listing = store.listing()
    store.rule("lowest", {}, listing_id=listing.id)
    store.observe(listing.id, "80", source="import", at=T0 - timedelta(days=200))
    assert store.observe(listing.id, "100") == []  # the first tracked price is no "new low"
    assert store.observe(listing.id, "100") == []  # equal is not lower
    alerts = store.observe(listing.id, "90")
    assert "lowest price since tracking began" in alerts[0].message_en
    alerts = store.observe(listing.id, "79")
    assert "lowest price ever" in alerts[0].message_en and "历史最低价" in alerts[0].message_zh


def test_lowest_on_a_product_compares_all_its_listings(store):
    first = store.listing()
    second = store.second_listing(first.product_id)
    store.rule("lowest", {}, product_id=first.product_id)
    store.observe(first.id, "100")
    assert store.observe(second.id, "105") == []
    assert len(store.observe(second.id, "99")) == 1


def test_back_in_stock_fires_on_the_transition_only(store):
    listing = store.listing()
    store.rule("in_stock", {}, listing_id=listing.id)
    assert store.observe(listing.id, "100", in_stock=True) == []
    assert store.observe(listing.id, "100", in_stock=False) == []
    assert store.observe(listing.id, None, in_stock=None) == []
    alerts = store.observe(listing.id, "100", in_stock=True)
    assert len(alerts) == 1 and "back in stock" in alerts[0].message_en
    assert "已到货" in alerts[0].message_zh
    assert store.observe(listing.id, "100", in_stock=True) == []


def test_evaluating_the_same_observation_twice_writes_one_event(store):
    """A re-check, a restart or a second process re-evaluating a change is a no-op."""
    listing = store.listing()
    store.rule("drop", {"pct": "10"}, listing_id=listing.id)
    store.observe(listing.id, "100")
    assert len(store.observe(listing.id, "80")) == 1
    with session_scope(store.engine, write=True) as session:
        latest = session.exec(select(Observation).order_by(col(Observation.id).desc())).first()
        assert raise_alerts(session, latest) == []
    with session_scope(store.engine) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(AlertEvent)).scalar() == 1


@pytest.mark.parametrize(
    ("kind", "params", "fragment"),
    [
        ("target", {"price": "abc"}, "not a number"),
        ("target", {"price": "-1"}, "above zero"),
        ("target", {"price": "9.123456"}, "4 decimal places"),
        ("drop", {}, "percentage or an amount"),
        ("drop", {"pct": "100"}, "impossible"),
        ("drop", {"pct": "5", "basis": "week"}, "basis"),
        ("target", {"price": "5", "currency": "yuan"}, "ISO 4217"),
        ("nonsense", {}, "unknown alert rule kind"),
    ],
)
def test_bad_parameters_are_refused_with_a_clear_message(kind, params, fragment):
    with pytest.raises(AlertError, match=fragment):
        rule_kind(kind).parse_params(params)
