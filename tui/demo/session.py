"""Start and stop a demo: a fresh home, a seeded store, a live loopback shop.

The demo never touches the user's data: it points `DAOSHOU_HOME` (for this process only)
at a new directory under the user's cache, so the database, settings and logs all land
there. Its settings check every minute with a short per-host delay, because every demo
page is served by one loopback "host".
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

import sqlalchemy as sa

from tracker import locations
from tracker.checks.service_lock import hold_lock_file
from tracker.plans.edits import cart_path
from tracker.shop.client import FixtureShop
from tracker.store.db import open_engine
from tui.demo.cart import write_demo_cart
from tui.demo.seed import SeededDemo, seed_demo
from tui.demo.shop import PriceMover, publish

DEMO_SETTINGS = """\
# The demo's settings: every demo page is on one loopback shop, checked every minute.
[checks]
interval_minutes = 1
jitter_minutes = 0

[fetch]
min_delay_seconds = 0.2
"""


@dataclass
class DemoSession:
    """A running demo: where it lives, its store and its shop."""

    home: Path
    engine: sa.Engine
    seeded: SeededDemo
    shop: FixtureShop | None
    mover: PriceMover | None
    lock: IO[bytes] | None = None  # held while the demo runs: no other demo prunes its home

    def close(self) -> None:
        """Stop the mover and the shop (the home directory stays for inspection)."""
        if self.mover is not None:
            self.mover.stop()
        if self.shop is not None:
            self.shop.stop()
        if self.lock is not None:
            self.lock.close()
            self.lock = None


KEEP_DEMO_HOMES = 2  # the previous run stays for inspection; older ones go


def new_demo_home() -> Path:
    """A fresh directory under the cache directory (never the real data directory).

    Each demo writes a few megabytes of seeded history, so older demo homes are removed:
    only the newest `KEEP_DEMO_HOMES` (this one included) remain.
    """
    base = locations.demo_homes_dir()
    prune_demo_homes(base, keep=KEEP_DEMO_HOMES - 1)
    return Path(tempfile.mkdtemp(prefix="demo-", dir=base))


def prune_demo_homes(base: Path, *, keep: int) -> list[Path]:
    """Remove all but the `keep` newest `demo-*` directories under `base`, except those a
    running demo holds (another terminal's demo keeps its store); returns those removed."""
    homes = sorted(
        (p for p in base.glob("demo-*") if p.is_dir() and not p.is_symlink()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    removed = []
    for old in homes[keep:]:
        held = hold_lock_file(locations.demo_lock_file(old))
        if held is None:
            continue  # in use
        held.close()  # a demo only ever starts in a new home: none can take this one now
        shutil.rmtree(old, ignore_errors=True)
        removed.append(old)
    return removed


def use_demo_home(home: Path | None = None) -> Path:
    """Point this process at `home` (default: a new demo home) instead of the user's data."""
    home = home or new_demo_home()
    os.environ[locations.HOME_ENV] = str(home)
    os.environ.pop(locations.DATABASE_URL_ENV, None)
    return home


def start_demo(
    now: datetime,
    *,
    home: Path | None = None,
    serve: bool = True,
    move_every: float = 15.0,
    days: int = 730,
) -> DemoSession:
    """Create the demo home, seed it, and (with `serve`) start the shop and the mover."""
    home = use_demo_home(home)
    home.mkdir(parents=True, exist_ok=True)
    lock = hold_lock_file(locations.demo_lock_file(home))
    settings = locations.settings_file()
    if not settings.exists():
        settings.write_text(DEMO_SETTINGS, encoding="utf-8")
    engine = open_engine()
    shop = FixtureShop.start(log_file=locations.demo_shop_log_file()) if serve else None
    try:
        if shop is not None:
            seeded = seed_demo(
                engine, now, days=days, url_for=lambda listing: shop.product_url(listing.slug)
            )
            publish(shop, seeded.listings)
            mover = PriceMover(shop, seeded.listings, every=move_every)
            mover.start()
        else:
            seeded, mover = seed_demo(engine, now, days=days), None
        write_demo_cart(seeded, now, cart_path())
    except BaseException:
        if shop is not None:
            shop.stop()
        if lock is not None:
            lock.close()
        raise
    return DemoSession(home, engine, seeded, shop, mover, lock)
