"""A big synthetic watchlist written through the store's bulk path, for the scale benches.

    seed_watchlist(engine, listings=10_000, days=730, per_day=6, now=NOW)

`listings` listings of `listings // 4` products on 50 hosts, each with `days` days of
`per_day` checks (6 a day is the default 4-hour interval: 10,000 x 730 x 6 = 44M rows),
written by `tracker.store.bulk.fill_fresh_store` (core executemany in bounded batches,
then the summaries and daily roll-ups rebuilt set-based), as `import-history` and the demo
write theirs. Every listing's next check is planned `not_due_for` after `now`, so a
service started on the store finds nothing due (the idle bench).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tracker.store.bulk import FreshRows, fill_fresh_store

NOW = datetime(2026, 11, 1, tzinfo=UTC)
HOSTS = 50


def seed_watchlist(
    engine: sa.Engine,
    *,
    listings: int,
    days: int,
    per_day: int = 6,
    now: datetime = NOW,
    not_due_for: timedelta = timedelta(hours=4),
) -> int:
    """Fill a fresh store; returns how many observations were written."""
    products = max(1, listings // 4)
    rows = FreshRows(
        products=[
            {"id": p, "name": f"item {p}", "unit": "piece", "created_at": now, "archived": False}
            for p in range(1, products + 1)
        ],
        listings=[_listing(i, products, now, not_due_for) for i in range(1, listings + 1)],
        observations=_observations(listings, days, per_day, now),
    )
    return fill_fresh_store(engine, rows)


def _listing(i: int, products: int, now: datetime, not_due_for: timedelta) -> dict[str, Any]:
    return {
        "id": i,
        "product_id": (i - 1) % products + 1,
        "platform": "web",
        "url": f"https://shop{i % HOSTS}.example.com/item/{i}.html",
        "check_interval_minutes": None,
        "use_browser": False,
        "active": True,
        "created_at": now,
        # Spread over the next interval, as the dispatcher plans listings.
        "next_check_at": now + not_due_for * (1 + (i % 97) / 97),
    }


def _observations(listings: int, days: int, per_day: int, now: datetime) -> Iterator[dict]:
    step = timedelta(days=1) / per_day
    start = now - timedelta(days=days)
    for listing in range(1, listings + 1):
        title = f"item {listing} 500g"
        for n in range(days * per_day):
            cents = 5000 + (listing * 7 + n * 13) % 4000
            yield {
                "listing_id": listing,
                "observed_at": start + step * n,
                "price": Decimal(cents) / 100,
                "list_price": None,
                "currency": "CNY",
                "in_stock": True,
                "is_from_price": False,
                "title": title,
                "source": "bench",
                "reason": None,
            }
