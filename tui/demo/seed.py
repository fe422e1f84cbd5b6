"""Fill a fresh demo database: products, listings, two years of daily observations, a
purchase under price protection, alert rules and one fired alert.

The rows are plain values handed to `tracker.store.bulk`, which writes them in one
transaction with bulk inserts: the demo must start in seconds and the benchmark reuses
this to write a million rows. Ids are assigned here because the database is always fresh.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from tracker.alerts.kinds import rule_kind
from tracker.store.bulk import FreshRows, fill_fresh_store
from tui.demo.catalogue import CATALOGUE, DemoListing, DemoProduct
from tui.demo.history import daily_prices


@dataclass(frozen=True)
class SeededListing:
    """A demo listing as stored, with the everyday price its live page starts from."""

    listing_id: int
    product_id: int
    product: DemoProduct
    listing: DemoListing
    url: str
    last_price: Decimal | None
    in_stock: bool = True  # as on the last seeded day: the live page goes on from there


@dataclass(frozen=True)
class SeededDemo:
    """What `seed_demo` wrote."""

    listings: tuple[SeededListing, ...]
    observations: int


def default_url(listing: DemoListing) -> str:
    """A listing URL when no demo shop server runs (tests, benchmark)."""
    return f"https://demo.daoshou.invalid/{listing.platform}/{listing.slug}.html"


def seed_demo(
    engine: sa.Engine,
    now: datetime,
    *,
    catalogue: Sequence[DemoProduct] = CATALOGUE,
    days: int = 730,
    url_for: Callable[[DemoListing], str] = default_url,
    seed: int = 618,
) -> SeededDemo:
    """Write the demo catalogue with `days` of daily history ending at `now` (UTC)."""
    listings: list[SeededListing] = []
    start = (now - timedelta(days=days - 1)).date()
    rows = list(_listing_rows(catalogue, now, url_for))
    for row, (pid, product, listing) in zip(rows, _numbered(catalogue), strict=True):
        path = daily_prices(product, listing, start, days, seed)
        priced = [p.price for p in path if p.price is not None]
        listings.append(
            SeededListing(
                row["id"],
                pid,
                product,
                listing,
                row["url"],
                priced[-1] if priced else None,
                in_stock=path[-1].in_stock is not False if path else True,
            )
        )
    fresh = FreshRows(
        products=list(_product_rows(catalogue, now)),
        listings=rows,
        observations=_observation_rows(listings, start, days, now, seed),
        **_extras(listings, now),
    )
    return SeededDemo(tuple(listings), fill_fresh_store(engine, fresh))


def _numbered(catalogue: Sequence[DemoProduct]) -> Iterator[tuple[int, DemoProduct, DemoListing]]:
    for pid, product in enumerate(catalogue, start=1):
        for listing in product.listings:
            yield pid, product, listing


def _product_rows(catalogue: Sequence[DemoProduct], now: datetime) -> Iterator[dict[str, Any]]:
    for pid, product in enumerate(catalogue, start=1):
        yield {
            "id": pid,
            "name": product.name,
            "unit": product.unit,
            "category": product.category,
            "created_at": now,
            "archived": False,
        }


def _listing_rows(
    catalogue: Sequence[DemoProduct], now: datetime, url_for: Callable[[DemoListing], str]
) -> Iterator[dict[str, Any]]:
    for lid, (pid, _product, listing) in enumerate(_numbered(catalogue), start=1):
        yield {
            "id": lid,
            "product_id": pid,
            "platform": listing.platform,
            "shop": listing.shop,
            "url": url_for(listing),
            "sku": listing.slug,
            "pack": listing.pack,
            "per_pack": listing.per_pack,
            "check_interval_minutes": None,
            "use_browser": False,
            "active": True,
            "created_at": now,
        }


def _observation_rows(
    listings: Sequence[SeededListing], start: Any, days: int, now: datetime, seed: int
) -> Iterator[dict[str, Any]]:
    for seeded in listings:
        title = f"{seeded.product.name} {seeded.listing.pack}"
        currency = "CNY"
        for n, day in enumerate(daily_prices(seeded.product, seeded.listing, start, days, seed)):
            at = datetime.combine(day.day, time(1, (seeded.listing_id * 7 + n) % 60), UTC)
            yield {
                "listing_id": seeded.listing_id,
                "observed_at": min(at, now),
                "price": day.price,
                "list_price": day.list_price,
                "currency": currency if day.price is not None else None,
                "in_stock": day.in_stock,
                "is_from_price": False,
                "title": title,
                "source": "demo",
                "reason": day.reason,
            }


def _extras(listings: Sequence[SeededListing], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """A purchase under price protection, a few alert rules and one fired alert."""
    if not listings:
        return {}
    first = listings[0]
    bought = next((s for s in listings if s.listing.platform == "jd" and s.last_price), first)
    target = (first.last_price or Decimal(100)) * Decimal("0.9")
    price = bought.last_price or Decimal(0)
    return {
        "purchases": [
            {
                "listing_id": bought.listing_id,
                "price": bought.last_price or Decimal("1"),
                "currency": "CNY",
                "quantity": 1,
                "bought_at": now - timedelta(days=5),
            }
        ],
        "alert_rules": [
            {
                "id": 1,
                "product_id": first.product_id,
                "listing_id": None,
                "kind": "target",
                "params": rule_kind("target").parse_params(
                    {"price": str(target.quantize(Decimal("0.1"))), "currency": "CNY"}
                ),
                "channel_ids": None,
                "armed": True,
                "active": True,
                "created_at": now,
            },
            {
                "id": 2,
                "product_id": None,
                "listing_id": bought.listing_id,
                "kind": "drop",
                "params": rule_kind("drop").parse_params({"pct": "5", "currency": "CNY"}),
                "channel_ids": None,
                "armed": True,
                "active": True,
                "created_at": now,
            },
        ],
        "alert_events": [
            {
                "rule_id": 2,
                "listing_id": bought.listing_id,
                "observation_id": None,
                "dedupe_key": f"demo-drop-{bought.listing_id}",
                "created_at": now - timedelta(days=2),
                "message_zh": f"{bought.product.name} 降价到 ¥{price}",
                "message_en": f"{bought.product.name} dropped to ¥{price}",
                "payload": {"listing_id": bought.listing_id, "price": str(price)},
            }
        ],
    }
