"""A fixture shop, a DAOSHOU_HOME with quick settings, and helpers to run `daoshou run`."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tracker.shop.client import FixtureShop
from tracker.store import db
from tracker.store.repository import Repository
from tracker.store.tables import Listing, utcnow

QUICK_SETTINGS = """
[checks]
interval_minutes = 1
jitter_minutes = 0
[fetch]
min_delay_seconds = {delay}
"""


@pytest.fixture(scope="module")
def shop():
    with FixtureShop.start() as running:
        yield running


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A DAOSHOU_HOME (also for this process, so the tests' repository and `daoshou run`
    share one store) whose settings check every minute with a small per-host delay."""
    config = tmp_path / "home" / "config"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text(QUICK_SETTINGS.format(delay=0.05), encoding="utf-8")
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    yield tmp_path / "home"
    db.dispose_engines()


@pytest.fixture
def repo(home):
    return Repository(db.open_engine())


@pytest.fixture
def add_products(shop, repo):
    """`add_products(n)`: create n shop products and track them, due at once (not spread
    over their interval, as a new listing's first check is); returns the listings."""

    def add(count, price="10.00"):
        tag = uuid.uuid4().hex[:8]
        listings = []
        for i in range(count):
            slug = f"s{tag}{i:03d}"
            shop.set_product(slug, price=price)
            listings.append(repo.add_listing(shop.product_url(slug)))
        make_due(repo.engine, listings)
        return listings

    return add


def make_due(engine, listings, when=None):
    """Make `listings` due (as if planned for `when`, default a second ago), so a service
    takes them at once: a check plans the next one an interval ahead, and a new listing's
    first check is spread over its interval."""
    due = sa.update(Listing).where(Listing.__table__.c.id.in_([v.id for v in listings]))
    with engine.begin() as conn:
        conn.execute(due.values(next_check_at=when or utcnow() - timedelta(seconds=1)))


def start_daoshou_run(home):
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    env.pop("DAOSHOU_DATABASE_URL", None)
    return subprocess.Popen(
        [sys.executable, "-c", "from tui.cli import main; main()", "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_until(condition, timeout=60.0, what="condition"):
    """Poll `condition` until it is truthy (returns it) or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")
