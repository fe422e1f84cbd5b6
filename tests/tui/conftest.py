"""Shared fixtures for the terminal app's tests: a fresh migrated store per test."""

from datetime import UTC, datetime

import pytest

from tests.shop_fixture import shop  # noqa: F401  (a real fixture shop on loopback)
from tracker.store.db import dispose_engines, open_engine

#: The fixed clock of every TUI test and snapshot.
NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


@pytest.fixture(params=["zh", "en"])
def language(request):
    """Speak `zh` or `en` for one test, then the language the suite started with."""
    from tui.i18n import current_language, set_language

    before = current_language()
    set_language(request.param)
    yield request.param
    set_language(before)


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A private DAOSHOU_HOME so nothing touches the user's files."""
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    monkeypatch.setenv("DAOSHOU_LANG", "en")
    yield tmp_path / "home"
    dispose_engines()


@pytest.fixture
def engine(home):
    """The migrated, empty store of `home`."""
    return open_engine()


@pytest.fixture
def now():
    """The fixed clock."""
    return NOW


@pytest.fixture
def demo(home):
    """A seeded demo store (no shop process) in `home`, at the fixed clock."""
    from tui.demo.session import start_demo

    session = start_demo(NOW, home=home, serve=False, days=400)
    yield session
    session.close()


@pytest.fixture
def make_app(demo):
    """Build the app on the demo store: fixed clock, no polling, fast forecasts."""
    from tui.app import DaoshouApp
    from tui.context import AppContext

    def build(**overrides):
        options = {
            "clock": lambda: NOW,
            "poll_seconds": 0,
            "auto_forecast": False,
            # The demo cart is proven optimal in ~0.1 s; a limit this far above it keeps a
            # loaded machine from showing "within x%" instead of "proven optimal".
            "plan_seconds": 30.0,
        }
        options.update(overrides)
        return DaoshouApp(AppContext(demo.engine, **options))

    return build


@pytest.fixture
def forecasts(demo):
    """Stored Double 12 forecasts for a few demo listings (fixed numbers, one fake discount)."""
    from decimal import Decimal

    import sqlalchemy as sa

    from tracker.store.tables import ForecastRecord

    wanted = {
        "jd-airpods-pro-2": ("1699", "1599", "1799", "wait", "160", None),
        "pdd-airpods-pro-2": ("1489", "1399", "1559", "wait", "50", None),
        "jd-iphone16": ("5499", "5299", "5699", "buy", "0", None),
        "tmall-dyson-hd15": (
            "3299",
            "3099",
            "3499",
            "buy",
            "0",
            {
                "explanation": "raised 25% from 2999 on 2026-10-27 before the sale",
                "explanation_zh": "大促前 2026-10-27 从 2999 涨价 25%",
            },
        ),
    }
    rows = []
    for seeded in demo.seeded.listings:
        if seeded.listing.slug in wanted:
            point, low, high, advice, saving, fake = wanted[seeded.listing.slug]
            rows.append(
                {
                    "listing_id": seeded.listing_id,
                    "event_key": "double12-2026",
                    "event_date": "2026-12-12",
                    "inputs_hash": "fixture",
                    "computed_at": NOW,
                    "currency": "CNY",
                    "point": Decimal(point),
                    "lower": Decimal(low),
                    "upper": Decimal(high),
                    "prob_drop": 0.6,
                    "advice": advice,
                    "expected_saving": Decimal(saving),
                    "method": "model",
                    "history_days": 400,
                    "fake_discount": fake,
                }
            )
    with demo.engine.begin() as conn:
        conn.execute(sa.insert(ForecastRecord.__table__), rows)
    return rows
