"""End to end: the fixture shop changes a price, a real check records it, and the alert
reaches a real HTTP receiver through an Apprise json:// channel, exactly once.

The shop, the receiver and `daoshou run` / `daoshou check` are real processes on
loopback; setting up a listing, a channel and a rule happens in the test process, on the
same DAOSHOU_HOME, to keep the suite fast. Waiting is polling for a condition with a
generous deadline, never a timed assertion.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys

import pytest
import sqlalchemy as sa

from tests.scheduler.conftest import make_due, wait_until
from tests.shop_fixture import shop  # noqa: F401
from tracker.alerts.channels import add_channel
from tracker.alerts.outbox import deliver_pending
from tracker.alerts.rulebook import add_rule
from tracker.checks.check import check_listings
from tracker.locations import log_dir
from tracker.store.db import dispose_engines, session_scope
from tracker.store.repository import Repository
from tracker.store.tables import AlertDelivery, AlertEvent, Observation
from tracker.store.views import ListingView

pytestmark = pytest.mark.slow

SETTINGS = """
[checks]
interval_minutes = 240
jitter_minutes = 0
[fetch]
min_delay_seconds = 0.05
[ui]
language = "en"
[alerts]
retry_base_seconds = {retry}
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A DAOSHOU_HOME shared by the test process and the daoshou processes it starts."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    _settings(home, retry=0.2)
    monkeypatch.setenv("DAOSHOU_HOME", str(home))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    yield home
    dispose_engines()


def _settings(home, *, retry: float) -> None:
    (home / "config" / "settings.toml").write_text(SETTINGS.format(retry=retry), encoding="utf-8")


def _daoshou(*args: str) -> list[str]:
    return [sys.executable, "-c", "from tui.cli import main; main()", *args]


def start_service() -> subprocess.Popen:
    return subprocess.Popen(_daoshou("run"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_service(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop the service; its log goes to stderr, which the report shows if a test fails."""
    if process.poll() is None:
        process.send_signal(sig)
        process.wait(timeout=60)
    log = log_dir() / "daoshou-run.log"
    if log.exists():
        sys.stderr.write(log.read_text(encoding="utf-8", errors="replace"))


def _track(shop, receiver, slug: str, price: str, target: str) -> ListingView:  # noqa: F811
    """A listing of a shop product, a channel to the receiver and a target rule."""
    shop.set_product(slug, price=price, title="Liby laundry detergent 3kg")
    repository = Repository()
    listing = repository.add_listing(shop.product_url(slug), product="Liby 3kg")
    add_channel(repository.engine, receiver.url)
    add_rule(repository.engine, "target", {"price": target}, listing_id=listing.id)
    return listing


def _check(listing: ListingView) -> None:
    """One real check through the pipeline (fetch, extract, store, raise), in process."""
    repository = Repository()
    asyncio.run(check_listings(repository, [repository.get_listing(listing.id)]))


def _deliveries() -> list:
    with session_scope(Repository().engine) as session:
        return list(session.execute(sa.select(AlertDelivery.__table__)).all())


def _observations() -> int:
    with session_scope(Repository().engine) as session:
        return session.execute(sa.select(sa.func.count()).select_from(Observation)).scalar()


def _events() -> int:
    with session_scope(Repository().engine) as session:
        return session.execute(sa.select(sa.func.count()).select_from(AlertEvent)).scalar()


def test_daoshou_check_delivers_the_alert_it_raised_exactly_once(home, shop, receiver):  # noqa: F811
    listing = _track(shop, receiver, "e2e-check", "100.00", "85")
    _check(listing)
    shop.set_product("e2e-check", price="79.90")
    subprocess.run(_daoshou("check", str(listing.id)), check=True, capture_output=True)
    [body] = receiver.received()
    assert body["message"] == (
        f"[daoshou] Liby 3kg (web shop): ¥100.00 -> ¥79.90, target ≤ ¥85.00 {listing.url}"
    )
    assert [d.status for d in _deliveries()] == ["sent"]
    _check(listing)  # unchanged (a 304): nothing new to say
    assert deliver_pending(Repository().engine).sent == 0
    assert len(receiver.received()) == 1 and _events() == 1


def test_flapping_prices_alert_once_per_real_crossing(home, shop, receiver):  # noqa: F811
    listing = _track(shop, receiver, "e2e-flap", "100.00", "90")
    # target 90 re-arms above 91.80 (2%): 89 crosses; 91, 89.50 and 90.50 flap inside the
    # margin; 95 re-arms; 88 crosses again; 89 is the same episode.
    for price in ["100.00", "89.00", "91.00", "89.50", "90.50", "95.00", "88.00", "89.00"]:
        shop.set_product("e2e-flap", price=price)
        _check(listing)
        deliver_pending(Repository().engine)
    messages = [body["message"] for body in receiver.received()]
    assert len(messages) == 2
    assert "¥100.00 -> ¥89.00" in messages[0] and "¥95.00 -> ¥88.00" in messages[1]


def test_service_retries_a_failing_receiver_and_delivers_once(home, shop, receiver):  # noqa: F811
    listing = _track(shop, receiver, "e2e-503", "100.00", "85")
    _check(listing)
    shop.set_product("e2e-503", price="80.00")
    make_due(Repository().engine, [listing])  # the service takes it as it starts
    receiver.fail(3)
    service = start_service()
    try:
        wait_until(receiver.received, what="the delivery after recovery")
        wait_until(lambda: _deliveries()[0].status == "sent", what="the delivery recorded")
    finally:
        stop_service(service)
    assert receiver.refused() == 3 and _deliveries()[0].attempts == 4
    assert len(receiver.received()) == 1 and _events() == 1


def test_sigkill_between_commit_and_delivery_delivers_once_after_restart(
    home,
    shop,  # noqa: F811
    receiver,
):
    listing = _track(shop, receiver, "e2e-kill", "100.00", "85")
    _check(listing)
    shop.set_product("e2e-kill", price="80.00")
    make_due(Repository().engine, [listing])  # the service takes it as it starts
    # The receiver refuses everything while the first service runs, and a failed attempt
    # is retried 5 s later at the earliest: once the first attempt has failed, the alert is
    # committed and undelivered, and the kill cannot land in the middle of a send.
    _settings(home, retry=5)
    receiver.fail(1000)
    service = start_service()
    try:
        wait_until(
            lambda: [d for d in _deliveries() if d.status == "pending" and d.attempts == 1],
            what="the committed, undelivered alert",
        )
    finally:
        stop_service(service, signal.SIGKILL)
    receiver.fail(0)
    assert receiver.received() == [] and _events() == 1
    service = start_service()
    try:
        wait_until(receiver.received, what="the delivery after the restart")
        wait_until(lambda: _deliveries()[0].status == "sent", what="the delivery recorded")
    finally:
        stop_service(service)
    assert len(receiver.received()) == 1 and _events() == 1


def test_service_and_a_concurrent_check_deliver_one_alert(home, shop, receiver):  # noqa: F811
    listing = _track(shop, receiver, "e2e-two", "100.00", "85")
    _check(listing)
    shop.set_product("e2e-two", price="80.00")
    make_due(Repository().engine, [listing])  # the service takes it as it starts
    # The service takes the due listing as it starts while `daoshou check` checks it too:
    # whichever comes second records the change again (the first has finished), stands
    # aside (the first holds the check lease) or finds it no longer due; both deliver.
    service = start_service()
    try:
        subprocess.run(_daoshou("check", str(listing.id)), check=True, capture_output=True)
        wait_until(receiver.received, what="the delivery")
        wait_until(lambda: _deliveries()[0].status == "sent", what="the delivery recorded")
        # The service's check runs only if it took the due listing before `daoshou check`
        # planned its next check an interval ahead; either way one alert goes out.
        deliver_pending(Repository().engine)
    finally:
        stop_service(service)
    assert len(receiver.received()) == 1 and _events() == 1 and len(_deliveries()) == 1
    assert _observations() in (2, 3)  # the first check, then one or both of the two
