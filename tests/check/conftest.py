"""A real fixture shop on loopback (one per test module) and a fresh store per test."""

import uuid

import pytest

from tracker.settings import Settings
from tracker.shop.client import FixtureShop
from tracker.store import db
from tracker.store.repository import Repository


@pytest.fixture(scope="module")
def shop():
    with FixtureShop.start() as running:
        yield running


@pytest.fixture
def slug():
    """A product slug of this test alone (the shop is shared within the module)."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def repo(tmp_path):
    yield Repository(db.open_engine(f"sqlite:///{tmp_path / 'store.sqlite'}"))
    db.dispose_engines()


@pytest.fixture
def settings():
    """No politeness pause on loopback, so tests are quick; everything else as shipped."""
    return Settings(min_delay_seconds=0.0, jitter_minutes=0)
