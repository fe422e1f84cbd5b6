"""Fixtures for the alert tests: a migrated SQLite store in a private DAOSHOU_HOME."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from tests.postgres_fixture import postgres_url  # noqa: F401  (a fresh database per test)
from tracker.alerts.engine import RaisedAlert, raise_alerts
from tracker.store.db import dispose_engines, open_engine, session_scope
from tracker.store.tables import AlertRule, Listing, Observation, Product

T0 = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)


class Store:
    """A test store with helpers to add listings, rules and observations."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.clock = T0

    def listing(self, name="Liby detergent 3kg", platform="jd", url=None) -> Listing:
        with session_scope(self.engine, write=True) as session:
            product = Product(name=name)
            session.add(product)
            session.flush()
            listing = Listing(
                product_id=product.id,
                platform=platform,
                url=url or f"https://item.example.com/{product.id}.html",
            )
            session.add(listing)
            session.flush()
            return listing

    def second_listing(self, product_id: int, platform="tmall") -> Listing:
        with session_scope(self.engine, write=True) as session:
            listing = Listing(
                product_id=product_id,
                platform=platform,
                url=f"https://detail.example.com/{product_id}-{platform}.htm",
            )
            session.add(listing)
            session.flush()
            return listing

    def rule(self, kind: str, params: dict, *, listing_id=None, product_id=None) -> AlertRule:
        from tracker.alerts.kinds import rule_kind

        with session_scope(self.engine, write=True) as session:
            rule = AlertRule(
                kind=kind,
                params=rule_kind(kind).parse_params(params),
                listing_id=listing_id,
                product_id=product_id,
            )
            session.add(rule)
            session.flush()
            return rule

    def observe(
        self,
        listing_id: int,
        price: str | None,
        *,
        in_stock: bool | None = True,
        source: str | None = "jsonld",
        currency: str = "CNY",
        at: datetime | None = None,
        is_from_price: bool = False,
        title: str | None = None,
        in_hand: str | None = None,
    ) -> list[RaisedAlert]:
        """Record one observation and raise its alerts in the same transaction."""
        if at is None:
            self.clock += timedelta(hours=4)
            at = self.clock
        with session_scope(self.engine, write=True) as session:
            obs = Observation(
                listing_id=listing_id,
                observed_at=at,
                price=Decimal(price) if price is not None else None,
                currency=currency if price is not None else None,
                in_stock=in_stock,
                source=source,
                is_from_price=is_from_price,
                title=title,
                in_hand=Decimal(in_hand) if in_hand is not None else None,
                reason=None if price is not None else "no price found",
            )
            session.add(obs)
            session.flush()
            return raise_alerts(session, obs)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'alerts.sqlite'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path, monkeypatch):
    """A migrated store: SQLite, and PostgreSQL too when DAOSHOU_TEST_POSTGRES_URL is set."""
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    engine = open_engine(request.getfixturevalue(f"{request.param}_url"))
    yield Store(engine)
    dispose_engines()


class Receiver:
    """Client of the receiver process (see receiver.py)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"json://127.0.0.1:{port}/hook"

    def fail(self, count: int) -> None:
        httpx.post(f"http://127.0.0.1:{self.port}/_admin/fail", json={"count": count})

    def received(self) -> list[dict]:
        data = httpx.get(f"http://127.0.0.1:{self.port}/_admin/received").json()
        return [item["body"] for item in data["received"]]

    def refused(self) -> int:
        return httpx.get(f"http://127.0.0.1:{self.port}/_admin/received").json()["refused"]


@pytest.fixture
def receiver():
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("receiver.py"))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(proc.stdout.readline())
        yield Receiver(port)
    finally:
        proc.kill()
        proc.wait()
