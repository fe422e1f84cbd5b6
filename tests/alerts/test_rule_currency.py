"""A rule takes its listing's currency; amounts in another currency are refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tracker.alerts.rulebook import add_rule
from tracker.errors import AlertError
from tracker.store.tables import AlertRule


def test_a_rule_without_a_currency_takes_the_listings(store):
    listing = store.listing(name="Sony WH-1000XM5")
    store.observe(listing.id, "399.00", currency="USD")
    rule = add_rule(store.engine, "target", {"price": "350"}, listing_id=listing.id)
    assert rule.params["currency"] == "USD"
    fired = store.observe(listing.id, "349.00", currency="USD")
    assert [alert.rule_id for alert in fired] == [rule.id]


def test_a_rule_in_another_currency_is_refused_at_creation(store):
    listing = store.listing(name="Sony WH-1000XM5")
    store.observe(listing.id, "399.00", currency="USD")
    with pytest.raises(AlertError, match="priced in USD, not CNY"):
        add_rule(store.engine, "drop", {"pct": "5", "currency": "CNY"}, listing_id=listing.id)


def test_a_product_priced_in_two_currencies_needs_one_named(store):
    first = store.listing(name="Kindle")
    second = store.second_listing(first.product_id)
    store.observe(first.id, "120.00", currency="USD")
    store.observe(second.id, "899.00", currency="CNY")
    with pytest.raises(AlertError, match="priced in CNY, USD"):
        add_rule(store.engine, "lowest", {}, product_id=first.product_id)
    rule = add_rule(store.engine, "lowest", {"currency": "CNY"}, product_id=first.product_id)
    assert rule.params["currency"] == "CNY"


def test_a_stored_rule_without_a_currency_fires_in_the_listings(store):
    """Rules written before rules carried a currency (the old demo's) still fire."""
    listing = store.listing()
    with store.engine.begin() as conn:
        conn.execute(
            sa.insert(AlertRule.__table__),
            [
                {
                    "listing_id": listing.id,
                    "kind": "target",
                    "params": {"price": "50", "margin": "1"},
                    "armed": True,
                    "created_at": store.clock,
                    "active": True,
                }
            ],
        )
    store.observe(listing.id, "60.00")
    assert len(store.observe(listing.id, "49.00")) == 1
