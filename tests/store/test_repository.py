"""Round-trips through the repository: exact money, aware times, one-transaction checks."""

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from planner.errors import DaoshouError
from tracker.errors import NotFoundError, StoreError, UnsupportedURLError
from tracker.store.tables import AlertEvent, FetchAttempt, Observation
from tracker.store.views import NewFetchAttempt, NewObservation, Validators


def _obs(price, when=None, **kw):
    return NewObservation(
        price=None if price is None else Decimal(price),
        currency="CNY" if price is not None else None,
        observed_at=when or datetime(2026, 11, 1, 12, tzinfo=UTC),
        **kw,
    )


def test_add_listing_normalises_url_and_detects_platform(repo):
    listing = repo.add_listing(
        "HTTPS://Item.JD.com/100012043978.html?utm_source=wx&spm=1#reviews",
        product="立白洗衣液",
        pack="3kg x2",
    )
    assert listing.url == "https://item.jd.com/100012043978.html"
    assert (listing.platform, listing.sku) == ("jd", "100012043978")
    assert (listing.unit, listing.per_pack) == ("kg", Decimal(6))
    assert listing.created_at.tzinfo is not None
    again = repo.add_listing("https://item.jd.com/100012043979.html", product="立白洗衣液")
    assert again.product_id == listing.product_id
    assert [p.name for p in repo.list_products()] == ["立白洗衣液"]


def test_duplicate_and_bad_urls_are_clear_errors(repo):
    repo.add_listing("https://shop.example.com/p/1")
    with pytest.raises(StoreError, match="already tracked as listing 1"):
        repo.add_listing("https://shop.example.com/p/1#top")
    with pytest.raises(UnsupportedURLError):
        repo.add_listing("file:///etc/passwd")
    with pytest.raises(DaoshouError, match="pack size"):
        repo.add_listing("https://shop.example.com/p/2", pack="a lot")
    with pytest.raises(NotFoundError):
        repo.get_listing(42)
    with pytest.raises(NotFoundError, match="7, 8"):
        repo.list_listings([1, 7, 8])


def test_money_is_exact_and_times_are_aware(repo):
    listing = repo.add_listing("https://shop.example.com/p/1")
    prices = ["0.01", "1299.00", "2999.9999", "12345678.5", "0.1"]
    for i, price in enumerate(prices):
        repo.record_check(
            listing.id,
            [NewFetchAttempt(status="ok")],
            _obs(price, datetime(2026, 11, 1, 12, i, tzinfo=timezone(timedelta(hours=8)))),
        )
    history = repo.history(listing.id)
    assert [h.price for h in history] == [Decimal(p) for p in prices]
    assert all(isinstance(h.price, Decimal) for h in history)
    assert all(h.observed_at.utcoffset() == timedelta(0) for h in history)
    assert history[0].observed_at == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)
    assert str(history[1].price) == "1299.00"


def test_naive_times_and_excess_precision_are_refused(repo):
    listing = repo.add_listing("https://shop.example.com/p/1")
    with pytest.raises(StoreError):
        repo.record_check(
            listing.id, [NewFetchAttempt(status="ok")], _obs("1", datetime(2026, 1, 1))
        )
    with pytest.raises(StoreError):
        repo.record_check(listing.id, [NewFetchAttempt(status="ok")], _obs("1.00001"))
    assert repo.history(listing.id) == []
    assert repo.recent_attempts(listing.id) == []


def test_history_orders_by_time_and_latest_is_per_listing(repo):
    a = repo.add_listing("https://shop.example.com/a")
    b = repo.add_listing("https://shop.example.com/b")
    base = datetime(2026, 11, 1, tzinfo=UTC)
    # Imported (older) observations land after newer checks were recorded.
    repo.record_check(a.id, [NewFetchAttempt(status="ok")], _obs("10", base + timedelta(days=5)))
    repo.import_observations(a.id, [_obs(str(d), base + timedelta(days=d)) for d in range(1, 4)])
    repo.record_check(b.id, [NewFetchAttempt(status="ok")], _obs(None, base, reason="login wall"))
    assert [o.price for o in repo.history(a.id)] == [Decimal(n) for n in (1, 2, 3, 10)]
    assert [o.price for o in repo.history(a.id, limit=2)] == [Decimal(3), Decimal(10)]
    latest = repo.latest_observations([a.id, b.id])
    assert latest[a.id].price == Decimal(10)
    assert (latest[b.id].price, latest[b.id].reason) == (None, "login wall")
    assert repo.last_priced_observation(b.id) is None
    assert repo.last_priced_observation(a.id).price == Decimal(10)
    statuses = repo.listing_statuses()
    assert [s.latest.price if s.latest else None for s in statuses] == [Decimal(10), None]


def test_bulk_import_is_exact(repo):
    listing = repo.add_listing("https://shop.example.com/a")
    base = datetime(2025, 1, 1, tzinfo=UTC)
    rows = [_obs(f"{100 + i}.{i % 100:02d}", base + timedelta(hours=i)) for i in range(2500)]
    assert repo.import_observations(listing.id, rows) == 2500
    history = repo.history(listing.id)
    assert len(history) == 2500
    assert history[-1].price == Decimal("2599.99")
    assert history[1234].observed_at == base + timedelta(hours=1234)


def test_check_and_hook_commit_together_or_not_at_all(repo):
    listing = repo.add_listing("https://shop.example.com/a")

    def write_alert(session, observation):
        session.add(
            AlertEvent(
                observation_id=observation.id,
                listing_id=observation.listing_id,
                dedupe_key=f"drop-{observation.id}",
                message_zh="降价",
                message_en="price drop",
            )
        )

    def failing_hook(session, observation):
        raise RuntimeError("alert engine bug")

    repo.record_check(
        listing.id, [NewFetchAttempt(status="ok")], _obs("9.90"), on_observation=write_alert
    )
    with pytest.raises(RuntimeError):
        repo.record_check(
            listing.id, [NewFetchAttempt(status="ok")], _obs("8.80"), on_observation=failing_hook
        )
    with repo.engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(Observation)) == 1
        assert conn.scalar(sa.select(sa.func.count()).select_from(FetchAttempt)) == 1
        assert conn.scalar(sa.select(sa.func.count()).select_from(AlertEvent)) == 1


def test_validators_and_not_modified_reuse_the_observation(repo):
    listing = repo.add_listing("https://shop.example.com/a")
    assert repo.validators(listing.id) is None
    first = repo.record_check(
        listing.id,
        [NewFetchAttempt(status="ok", http_status=200)],
        _obs("59.00", title="Kettle", in_stock=True, source="jsonld"),
        validators=Validators('"v1"', None),
    )
    assert repo.validators(listing.id) == Validators('"v1"', None)
    later = datetime(2026, 11, 2, tzinfo=UTC)
    again = repo.record_not_modified(
        listing.id, [NewFetchAttempt(status="not_modified", http_status=304)], observed_at=later
    )
    assert again.id != first.id
    assert (again.price, again.title, again.in_stock, again.source, again.observed_at) == (
        Decimal("59.00"),
        "Kettle",
        True,
        "jsonld",
        later,
    )
    repo.record_check(
        listing.id, [NewFetchAttempt(status="ok")], _obs(None, reason="x"), forget_validators=True
    )
    assert repo.validators(listing.id) is None
    assert (
        repo.record_not_modified(
            listing.id, [NewFetchAttempt(status="not_modified")], observed_at=later
        )
        is None
    )
    assert [a.status for a in repo.recent_attempts(listing.id)][:2] == ["not_modified", "ok"]


def test_deleting_a_listing_cascades(repo):
    listing = repo.add_listing("https://shop.example.com/a")
    repo.record_check(listing.id, [NewFetchAttempt(status="ok")], _obs("1"))
    with repo.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM listing"))
        assert conn.scalar(sa.select(sa.func.count()).select_from(Observation)) == 0


def test_last_attempt_times_are_per_listing_and_aware(repo):
    a = repo.add_listing("https://shop.example.com/a")
    b = repo.add_listing("https://shop.example.com/b")
    repo.add_listing("https://shop.example.com/never")
    early = datetime(2026, 11, 1, tzinfo=UTC)
    late = datetime(2026, 11, 2, 8, tzinfo=timezone(timedelta(hours=8)))
    repo.record_check(a.id, [NewFetchAttempt(status="ok", started_at=early)], None)
    repo.record_check(a.id, [NewFetchAttempt(status="network_error", started_at=late)], None)
    repo.record_check(b.id, [NewFetchAttempt(status="ok", started_at=early)], None)
    assert repo.last_attempt_times() == {a.id: late, b.id: early}
    assert repo.last_attempt_times()[a.id].tzinfo is not None


def test_statuses_carry_the_latest_attempt(repo):
    a = repo.add_listing("https://shop.example.com/a")
    repo.add_listing("https://shop.example.com/never")
    early = datetime(2026, 11, 1, tzinfo=UTC)
    repo.record_check(a.id, [NewFetchAttempt(status="ok", started_at=early)], _obs("5", early))
    failed = NewFetchAttempt(
        status="network_error", error="timed out", started_at=early.replace(hour=5)
    )
    repo.record_check(a.id, [failed], None)
    first, never = repo.listing_statuses()
    assert (first.latest.price, first.last_attempt.status) == (Decimal(5), "network_error")
    assert first.last_attempt.error == "timed out"
    assert (never.latest, never.last_attempt) == (None, None)


def test_a_product_named_after_its_url_takes_the_first_priced_title(repo):
    unnamed = repo.add_listing("https://shop.example.com/p/1")
    named = repo.add_listing("https://shop.example.com/p/2", product="Kettle")
    assert unnamed.product_name == "shop.example.com/p/1"
    blocked = NewObservation(price=None, currency=None, title="请登录 Sign in", reason="login")
    repo.record_check(unnamed.id, [NewFetchAttempt(status="ok")], blocked)
    assert repo.get_listing(unnamed.id).product_name == "shop.example.com/p/1"
    for listing in (unnamed, named):
        obs = _obs("59.00", title="  Electric   kettle 1.7 L ")
        repo.record_check(listing.id, [NewFetchAttempt(status="ok")], obs)
    assert repo.get_listing(unnamed.id).product_name == "Electric kettle 1.7 L"
    assert repo.get_listing(named.id).product_name == "Kettle"
    later = _obs("58.00", title="Another title")
    repo.record_check(unnamed.id, [NewFetchAttempt(status="ok")], later)
    assert repo.get_listing(unnamed.id).product_name == "Electric kettle 1.7 L"
