"""The per-listing summary and the daily roll-up agree with the history they summarise,
whether kept check by check, rebuilt after a bulk import, or backfilled by migrations 0004
and 0006."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tracker.errors import StoreError
from tracker.store import db, summary
from tracker.store.migrations import upgrade
from tracker.store.repository import Repository
from tracker.store.tables import ListingSummary, ObservationDaily
from tracker.store.views import NewFetchAttempt, NewObservation

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
#: (hours after T0, price, currency, from-price): two days, a currency change, a gap.
CHECKS = [
    (0, "12.00", "CNY", False),
    (4, "10.50", "CNY", False),
    (8, None, None, False),
    (12, "9.90", "CNY", True),  # a from-price: shown, but never the lowest
    (20, "11.00", "CNY", False),
    (28, "13.00", "CNY", False),
    (32, "2.10", "USD", False),
]


def _obs(hours, price, currency, from_price):
    return NewObservation(
        price=Decimal(price) if price else None,
        currency=currency,
        is_from_price=from_price,
        reason=None if price else "login wall",
        observed_at=T0 + timedelta(hours=hours),
    )


def _tables(engine):
    with engine.connect() as conn:
        summaries = [
            tuple(r)
            for r in conn.execute(sa.select(ListingSummary.__table__).order_by("listing_id"))
        ]
        days = [
            tuple(r)
            for r in conn.execute(
                sa.select(ObservationDaily.__table__).order_by("listing_id", "day", "currency")
            )
        ]
    return summaries, days


def _checked(repo):
    listing = repo.add_listing("https://item.jd.com/100.html")
    for hours, price, currency, from_price in CHECKS:
        repo.record_check(
            listing.id,
            [NewFetchAttempt(status="ok", started_at=T0 + timedelta(hours=hours))],
            _obs(hours, price, currency, from_price),
        )
    return listing


def test_checks_keep_the_summary_and_the_days(repo):
    listing = _checked(repo)
    with db.session_scope(repo.engine) as session:
        row = session.get(ListingSummary, listing.id)
        days = {(d.day, d.currency): d for d in session.exec(sa.select(ObservationDaily)).scalars()}
    assert row.last_at == T0 + timedelta(hours=32)
    assert repo.latest_observations([listing.id])[listing.id].price == Decimal("2.10")
    assert repo.last_priced_observation(listing.id).currency == "USD"
    # The currency changed: the lowest is the lowest in the new one.
    assert (row.lowest_price, row.lowest_currency) == (Decimal("2.10"), "USD")
    first = days[("2026-03-01", "CNY")]
    assert (first.first_price, first.last_price) == (Decimal("12.00"), Decimal("10.50"))
    assert (first.min_price, first.max_price, first.count) == (Decimal("10.50"), Decimal(12), 2)
    second = days[("2026-03-02", "CNY")]
    assert (second.first_price, second.last_price, second.count) == (Decimal(11), Decimal(13), 2)
    assert days[("2026-03-02", "USD")].last_price == Decimal("2.10")
    assert repo.last_attempt_times()[listing.id] == T0 + timedelta(hours=32)
    # The copies `daoshou list` reads are the newest rows themselves, field for field.
    (status,) = repo.listing_statuses()
    assert status.latest == repo.history(listing.id)[-1]
    assert status.last_attempt == repo.recent_attempts(listing.id)[0]


def test_a_rebuild_from_the_history_gives_what_the_checks_kept(repo):
    _checked(repo)
    kept = _tables(repo.engine)
    with repo.engine.begin() as conn:
        summary.rebuild(conn)
    assert _tables(repo.engine) == kept


def test_a_bulk_import_is_summarised(repo):
    listing = repo.add_listing("https://item.jd.com/200.html")
    rows = [_obs(h, f"{20 - h % 7}.00", "CNY", False) for h in range(0, 96, 6)]
    repo.import_observations(listing.id, rows)
    days = repo.daily_history(listing.id)
    assert [d.day for d in days] == sorted({summary.day_key(r.observed_at) for r in rows})
    assert sum(d.count for d in days) == len(rows)
    assert days[1].min_price == min(r.price for r in rows if r.observed_at.day == 2)
    assert repo.latest_observations([listing.id])[listing.id].observed_at == rows[-1].observed_at


def test_history_pages_backwards(repo):
    listing = _checked(repo)
    page = repo.history(listing.id, limit=3)
    assert [o.observed_at for o in page] == [T0 + timedelta(hours=h) for h in (20, 28, 32)]
    older = repo.history(listing.id, limit=3, before=page[0].observed_at)
    assert [o.observed_at for o in older] == [T0 + timedelta(hours=h) for h in (4, 8, 12)]
    assert [d.day for d in repo.daily_history(listing.id, before="2026-03-02")] == ["2026-03-01"]


def test_a_failed_check_leaves_no_summary_behind(repo):
    listing = repo.add_listing("https://item.jd.com/300.html")

    def explode(_session, _row):
        raise RuntimeError("hook failed")

    with pytest.raises(RuntimeError):
        repo.record_check(listing.id, [], _obs(0, "5.00", "CNY", False), on_observation=explode)
    assert _tables(repo.engine) == ([], [])


def test_migration_0004_backfills_an_existing_store(sqlite_url):
    engine = db.create_engine(sqlite_url)
    upgrade(engine, "0002")
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO product (id, name, unit, created_at, archived)"
                " VALUES (1, 'rice', 'kg', '2026-01-01 00:00:00.000000', 0)"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO listing (id, product_id, platform, url, use_browser, active,"
                " created_at) VALUES (1, 1, 'jd', 'https://item.jd.com/1.html', 0, 1,"
                " '2026-01-01 00:00:00.000000')"
            )
        )
        for hour, price in ((1, 129900), (5, 119900), (30, 139900)):
            conn.execute(
                sa.text(
                    "INSERT INTO observation (listing_id, observed_at, price, currency,"
                    " is_from_price) VALUES (1, :at, :price, 'CNY', 0)"
                ),
                {"at": f"2026-01-0{1 + hour // 24} {hour % 24:02d}:00:00.000000", "price": price},
            )
    engine.dispose()
    repo = Repository(db.open_engine(sqlite_url))
    days = repo.daily_history(1)
    assert [(d.day, d.first_price, d.min_price) for d in days] == [
        ("2026-01-01", Decimal("12.99"), Decimal("11.99")),
        ("2026-01-02", Decimal("13.99"), Decimal("13.99")),
    ]
    assert repo.latest_observations([1])[1].price == Decimal("13.99")


def test_migration_0006_copies_the_latest_rows_into_an_existing_summary(sqlite_url):
    engine = db.create_engine(sqlite_url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        for statement in (
            "INSERT INTO product (id, name, unit, created_at, archived)"
            " VALUES (1, 'rice', 'kg', '2026-01-01 00:00:00.000000', 0)",
            "INSERT INTO listing (id, product_id, platform, url, use_browser, active,"
            " created_at) VALUES (1, 1, 'jd', 'https://item.jd.com/1.html', 0, 1,"
            " '2026-01-01 00:00:00.000000')",
            "INSERT INTO observation (id, listing_id, observed_at, price, currency,"
            " is_from_price, title, promotions) VALUES (7, 1, '2026-01-02 08:00:00.000000',"
            " 139900, 'CNY', 0, '东北大米 5kg', '[{\"kind\": \"coupon\"}]')",
            "INSERT INTO fetchattempt (id, listing_id, started_at, duration_ms, status,"
            " http_status, error, bytes_received) VALUES (3, 1,"
            " '2026-01-02 09:00:00.000000', 840, 'http_error', 503, 'Service Unavailable', 0)",
            "INSERT INTO listingsummary (listing_id, last_id, last_at, attempt_id, attempt_at)"
            " VALUES (1, 7, '2026-01-02 08:00:00.000000', 3, '2026-01-02 09:00:00.000000')",
        ):
            conn.execute(sa.text(statement))
    engine.dispose()
    repo = Repository(db.open_engine(sqlite_url))
    (status,) = repo.listing_statuses()
    assert status.latest == repo.history(1)[-1]
    assert (status.latest.title, status.latest.promotions) == (
        "东北大米 5kg",
        ({"kind": "coupon"},),
    )
    assert status.last_attempt == repo.recent_attempts(1)[0]
    assert (status.last_attempt.http_status, status.last_attempt.error) == (
        503,
        "Service Unavailable",
    )


def test_a_store_newer_than_the_code_is_refused(sqlite_url):
    engine = db.open_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose_engines()
    with pytest.raises(StoreError, match="cannot migrate") as raised:
        db.open_engine(sqlite_url)
    assert "upgrade daoshou" in str(raised.value.hint)
