"""The demo's live shop: the loopback fixture shop serving every demo listing's page, and a
mover that changes a few prices now and then so the user sees new observations arrive.

Moves stay small and plausible (a coupon appears, a price creeps back up), because the
tracker rightly re-fetches an implausible jump before believing it.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Sequence
from decimal import Decimal

from tracker.shop.client import FixtureShop
from tui.demo.history import shop_round
from tui.demo.seed import SeededListing

MOVE_EVERY_SECONDS = 15.0


def publish(shop: FixtureShop, listings: Sequence[SeededListing]) -> None:
    """Put every demo listing's current state on the shop."""
    for seeded in listings:
        price = seeded.last_price
        shop.set_product(
            seeded.listing.slug,
            title=f"{seeded.product.name} {seeded.listing.pack}",
            price=str(price if price is not None else seeded.listing.base_price),
            list_price=str(shop_round(seeded.listing.base_price * Decimal("1.15"))),
            in_stock=seeded.in_stock and price is not None,
        )
        if seeded.product.behaviour == "login_required" and seeded.listing.platform == "pdd":
            # Pinduoduo sends visitors without a session to its login page.
            shop.fault(
                seeded.listing.slug,
                "login_redirect",
                count=1_000_000,
                location="https://mobile.yangkeduo.com/login.html",
            )


class PriceMover:
    """A daemon thread nudging a few in-stock prices every `every` seconds until stopped."""

    def __init__(
        self,
        shop: FixtureShop,
        listings: Sequence[SeededListing],
        *,
        every: float = MOVE_EVERY_SECONDS,
        seed: int = 11,
    ) -> None:
        self.shop = shop
        self.prices = {
            s.listing.slug: s.last_price for s in listings if s.last_price and s.in_stock
        }
        self.every = every
        self.rng = random.Random(seed)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="demo-price-mover", daemon=True)

    def start(self) -> None:
        """Begin moving prices."""
        self.thread.start()

    def stop(self) -> None:
        """Stop moving prices (returns at once; the thread exits at its next tick)."""
        self.stopped.set()

    def move_once(self) -> list[str]:
        """Change two or three prices by -6%..+4%; returns the slugs moved."""
        slugs = self.rng.sample(sorted(self.prices), k=min(3, len(self.prices)))
        for slug in slugs:
            factor = 1 + Decimal(self.rng.randint(-60, 40)) / 1000
            price = shop_round(self.prices[slug] * factor)
            self.prices[slug] = price
            self.shop.set_product(slug, price=str(price))
        return slugs

    def _run(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                self.move_once()
            except OSError:  # the shop went away: the demo is ending
                return
