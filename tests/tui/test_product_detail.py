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


def test_the_in_hand_series_is_read_from_observations_in_the_window(demo, now):
    from decimal import Decimal

    from tracker.queries.product_detail import IN_HAND_DAYS
    from tracker.store.tables import Observation

    liby = demo.seeded.listings[0]
    rows = [
        (now - timedelta(days=IN_HAND_DAYS + 5), "1.00"),  # before the window: not read
        (now - timedelta(days=2, hours=3), "70.00"),
        (now - timedelta(days=2), "69.00"),  # the day's last wins
        (now - timedelta(days=1), "68.50"),
    ]
    with demo.engine.begin() as conn:
        conn.execute(
            sa.insert(Observation.__table__),
            [
                {
                    "listing_id": liby.listing_id,
                    "observed_at": at,
                    "price": Decimal("80.00"),
                    "currency": "CNY",
                    "in_hand": Decimal(in_hand),
                    "in_stock": True,
                    "is_from_price": False,
                }
                for at, in_hand in rows
            ],
        )
    details = load_product(demo.engine, liby.product_id, now.date())
    series = dict(details.in_hand[liby.listing_id])
    assert list(series.values()) == [Decimal("69.00"), Decimal("68.50")]
    assert min(series) > now.date() - timedelta(days=IN_HAND_DAYS)


def test_an_in_hand_line_takes_its_listing_colour():
    from tui.widgets.price_chart import ChartLine, _line_colours

    lines = [
        ChartLine("jd #1", ()),
        ChartLine("jd #1 in hand", (), in_hand=True),
        ChartLine("tmall #2", ()),
    ]
    first, hand, second = _line_colours(lines)
    assert first == hand != second
