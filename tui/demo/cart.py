"""The demo's cart: built from demo listings so it reprices itself from their observations.

It exercises what the planner is for: a presale with deposit expansion (定金膨胀) paid in
two steps, Tmall's cross-store 每满300减50 across shops, shop coupons on Tmall and JD,
trade-in subsidies (国补) on an appliance and a phone, and a budget to stay within.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.cart import Cart, EveryOff, Item, Offer, Presale, Threshold
from planner.cart_file import save_cart
from planner.packs import Pack
from tui.demo.seed import SeededDemo, SeededListing

D = Decimal


def _offer(seeded: SeededListing, extra: dict[str, Any]) -> Offer:
    price = seeded.last_price or seeded.listing.base_price
    return Offer(
        platform=seeded.listing.platform,
        shop=seeded.listing.shop,
        price=price,
        url=seeded.url,
        **extra,
    )


def demo_cart(seeded: SeededDemo, now: datetime) -> Cart:
    """The demo cart, its presale dated from `now` (deposit today, balance in 19 days)."""
    by_slug = {s.listing.slug: s for s in seeded.listings}
    today = now.astimezone(UTC).date()
    balance = datetime.combine(today + timedelta(days=19), time(20, 0))
    presale = Presale(
        deposit=D(100),
        worth=D(300),
        deposit_at=today,
        balance_from=balance,
        balance_until=balance + timedelta(days=2, hours=3, minutes=59),
    )

    def item(
        item_id: str,
        slugs: list[str],
        qty: int = 1,
        pack: Pack | None = None,
        category: str | None = None,
        extras: dict[str, dict[str, Any]] | None = None,
    ) -> Item:
        first = by_slug[slugs[0]]
        offers = tuple(_offer(by_slug[s], (extras or {}).get(s, {})) for s in slugs)
        return Item(
            id=item_id,
            name=first.product.name,
            qty=qty,
            offers=offers,
            pack=pack or Pack(D(1), "piece"),
            pack_text=first.listing.pack if pack else None,
            category=category,
        )

    items = (
        item(
            "detergent",
            ["tmall-liby-2kg"],
            qty=2,
            pack=Pack(D(2), "kg"),
            extras={"tmall-liby-2kg": {"cross_store": True}},
        ),
        item(
            "milk",
            ["tmall-mengniu-24"],
            qty=2,
            pack=Pack(D(6), "l"),
            extras={"tmall-mengniu-24": {"cross_store": True}},
        ),
        item(
            "nuts",
            ["tmall-squirrel-1kg"],
            pack=Pack(D(1), "kg"),
            extras={"tmall-squirrel-1kg": {"cross_store": True}},
        ),
        item(
            "lego",
            ["tmall-lego-42143", "web-lego-42143"],
            extras={"tmall-lego-42143": {"presale": presale, "cross_store": True}},
        ),
        item(
            "fridge",
            ["jd-haier-510", "tmall-haier-510"],
            category="refrigerator",
            extras={
                "jd-haier-510": {"subsidy": "cn-2026-appliance", "energy_grade": 1},
                "tmall-haier-510": {"subsidy": "cn-2026-appliance", "energy_grade": 1},
            },
        ),
        item(
            "phone",
            ["jd-iphone16", "pdd-iphone16", "douyin-iphone16"],
            category="phone",
            extras={"jd-iphone16": {"subsidy": "cn-2026-digital"}},
        ),
        item(
            "airpods",
            ["jd-airpods-pro-2", "tmall-airpods-pro-2", "pdd-airpods-pro-2"],
            extras={"tmall-airpods-pro-2": {"cross_store": True}},
        ),
    )
    promotions = (
        EveryOff(
            platform="tmall",
            scope="cross_store",
            every=D(300),
            off=D(50),
            label="天猫跨店每满300减50",
        ),
        Threshold(
            platform="tmall",
            scope="shop",
            shop="乐高官方旗舰店",
            tiers=((D(2000), D(200)),),
            coupon=True,
            label="乐高店铺券 满2000减200",
        ),
        Threshold(
            platform="jd",
            scope="shop",
            shop="海尔京东自营",
            tiers=((D(3000), D(300)),),
            coupon=True,
            label="海尔店铺券 满3000减300",
        ),
    )
    return Cart(items=items, promotions=promotions, currency="CNY", budget=D(15000))


def write_demo_cart(seeded: SeededDemo, now: datetime, path: Path) -> Path:
    """Save the demo cart where the Planner looks for it."""
    save_cart(demo_cart(seeded, now), path)
    return path
