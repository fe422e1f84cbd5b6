"""Two years of believable daily prices for a demo listing, generated deterministically.

Real shop prices are mostly flat with occasional steps, dip before and on the big sales
(38, 618, Double 11, Double 12) and recover afterwards. That shape is what the watchlist's
sparklines, the forecaster and the fake-discount check need to show anything; a random
walk would make every one of them look broken. The same seed always gives the same path,
so screenshots and tests are stable.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from tui.demo.catalogue import DemoListing, DemoProduct

_ONE = Decimal(1)


@dataclass(frozen=True)
class DayPrice:
    """One day's check of a listing: a price, or no price and why."""

    day: date
    price: Decimal | None
    list_price: Decimal | None
    in_stock: bool | None
    reason: str | None


def sale_discount(day: date, depth: Decimal) -> Decimal:
    """The fraction taken off the everyday price on `day` (0 outside the sale periods)."""
    md = (day.month, day.day)
    if (11, 10) <= md <= (11, 11):
        return depth
    if (10, 20) <= md <= (11, 13):
        return depth * Decimal("0.35")
    if (6, 16) <= md <= (6, 18):
        return depth * Decimal("0.85")
    if (6, 1) <= md <= (6, 20):
        return depth * Decimal("0.3")
    if (12, 10) <= md <= (12, 12):
        return depth * Decimal("0.5")
    if (3, 6) <= md <= (3, 8):
        return depth * Decimal("0.3")
    return Decimal(0)


def shop_round(value: Decimal) -> Decimal:
    """Round like shops price: 1899, 89.9, 32.9 (never more precise than 0.1)."""
    if value >= 500:
        return (value / 10).quantize(_ONE, ROUND_HALF_UP) * 10 - 1
    if value >= 50:
        return value.quantize(_ONE, ROUND_HALF_UP) - Decimal("0.1")
    return value.quantize(Decimal("0.1"), ROUND_HALF_UP)


def _fake_window(day: date) -> bool:
    """Before 618 the fake-discount product's price is raised, then 'discounted'."""
    return (5, 20) <= (day.month, day.day) <= (6, 18)


def daily_prices(
    product: DemoProduct, listing: DemoListing, start: date, days: int, seed: int
) -> list[DayPrice]:
    """`days` consecutive daily checks of `listing` starting on `start`."""
    rng = random.Random(f"{seed}:{listing.slug}")
    level = listing.base_price
    next_step = rng.randint(40, 160)
    last = start + timedelta(days=days - 1)
    path: list[DayPrice] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        if offset == next_step:
            level = level * (1 + Decimal(rng.randint(-60, 50)) / 1000)
            next_step += rng.randint(60, 180)
        path.append(_day(product, listing, day, level, last, rng))
    return path


def _day(
    product: DemoProduct,
    listing: DemoListing,
    day: date,
    level: Decimal,
    last: date,
    rng: random.Random,
) -> DayPrice:
    days_left = (last - day).days
    if product.behaviour == "out_of_stock" and days_left < 10:
        return DayPrice(day, None, None, False, "out of stock")
    if product.behaviour == "login_required" and listing.platform == "pdd" and days_left < 4:
        return DayPrice(day, None, None, None, "login required")
    everyday = level
    list_price = shop_round(level * Decimal("1.15"))
    # ... and again in the last 20 days, so the coming sale's "discount" is a fake one too.
    if product.behaviour == "fake_discount" and (_fake_window(day) or days_left < 20):
        everyday = level * Decimal("1.25")
        list_price = shop_round(level * Decimal("1.6"))
    price = everyday * (1 - sale_discount(day, product.sale_depth))
    if listing.platform == "pdd" and rng.random() < 0.15:
        price = price * (1 - Decimal(rng.randint(5, 30)) / 1000)
    return DayPrice(day, shop_round(price), list_price, True, None)
