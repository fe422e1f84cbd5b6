"""Shared fixtures for the terminal app's tests: a fresh migrated store per test."""

from datetime import UTC, datetime

import pytest

from tracker.db import dispose_engines, open_engine

#: The fixed clock of every TUI test and snapshot.
NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


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
        options = {"clock": lambda: NOW, "poll_seconds": 0, "use_prophet": False,
                   "plan_seconds": 2.0}
        options.update(overrides)
        return DaoshouApp(AppContext(demo.engine, **options))

    return build
