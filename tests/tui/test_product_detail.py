"""One product's details (history, rules, purchases with 价保 deadlines) and the inbox."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tracker.errors import NotFoundError
from tracker.queries.alert_inbox import load_inbox
from tracker.queries.product_detail import load_product, sale_days
from tracker.store.tables import AlertChannel, AlertDelivery


def test_a_product_with_history_rules_and_a_purchase_under_protection(demo, now):
    liby = demo.seeded.listings[0]  # the first product: a target rule, a drop rule, a purchase
    details = load_product(demo.engine, liby.product_id, now.date())
    assert len(details.row.listings) == 3
    history = details.history[liby.listing_id]
    assert len(history) == 400 and history[-1][0] == now.date()
    assert [r.kind for r in details.rules] == ["target", "drop"]  # product and listing rules
    bought = next(s for s in demo.seeded.listings if s.listing.slug == "jd-liby-6kg")
    [purchase] = details.purchases
    assert purchase.listing_id == bought.listing_id
    assert purchase.protect_until is not None
    assert purchase.protect_until > purchase.bought_at.date()


def test_an_unknown_product_is_not_found(demo, now):
    with pytest.raises(NotFoundError):
        load_product(demo.engine, 999, now.date())


def test_sale_days_mark_the_big_sales_only():
    days = sale_days({"tmall", "jd"}, date(2026, 1, 1), date(2026, 12, 31))
    names = {en for _, _, en in days}
    assert "Double 11" in names and "618 mid-year sale" in names
    assert not any("double day" in name for name in names)


def test_the_inbox_counts_deliveries_per_state(demo, now):
    with demo.engine.begin() as conn:
        conn.execute(
            sa.insert(AlertChannel.__table__),
            [
                {"id": 1, "label": "ntfy://a", "secret_key": "a", "created_at": now},
                {"id": 2, "label": "ntfy://b", "secret_key": "b", "created_at": now},
            ],
        )
        conn.execute(
            sa.insert(AlertDelivery.__table__),
            [
                {
                    "event_id": 1,
                    "channel_id": 1,
                    "status": "sent",
                    "attempts": 1,
                    "next_attempt_at": now,
                },
                {
                    "event_id": 1,
                    "channel_id": 2,
                    "status": "failed",
                    "attempts": 5,
                    "next_attempt_at": now + timedelta(hours=1),
                },
            ],
        )
    [entry] = load_inbox(demo.engine)
    assert (entry.sent, entry.pending, entry.failed) == (1, 0, 1)
    assert "dropped to" in entry.message_en
