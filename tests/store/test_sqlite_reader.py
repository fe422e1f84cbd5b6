"""The standard-library reader gives `daoshou list` and `daoshou history` exactly what the
repository gives, and steps aside (None) whenever it could not answer exactly."""

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from tracker.store import db, sqlite_reader
from tracker.store.repository import Repository
from tracker.store.views import NewFetchAttempt, NewObservation


def _varied_store(url):
    """Listings that exercise every decoded type: exact and sub-cent amounts, a pack
    size, times stored from another zone, a missing price, promotions, a paused listing,
    a listing never checked and one whose only fetch failed."""
    repo = Repository(db.open_engine(url))
    when = datetime(2026, 11, 1, 20, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    a = repo.add_listing("https://shop.example.com/a", product="立白洗衣液", pack="3kg*2")
    b = repo.add_listing("https://shop.example.com/b", product="Kettle [2-pack]")
    repo.add_listing("https://shop.example.com/never")
    failed = repo.add_listing("https://shop.example.com/failed")
    repo.import_observations(a.id, [NewObservation(Decimal("9.5"), "CNY", observed_at=when)])
    repo.record_check(
        a.id,
        [NewFetchAttempt(status="ok", http_status=200, bytes_received=1234, started_at=when)],
        NewObservation(
            Decimal("2999.9999"),
            "CNY",
            list_price=Decimal("3100"),
            in_stock=True,
            is_from_price=True,
            title="立白 [bold]",
            source="jsonld",
            observed_at=when + timedelta(hours=1),
            promotions=({"kind": "threshold", "spend": "300", "off": "40"},),
            in_hand=Decimal("2959.9999"),
        ),
    )
    repo.record_check(
        b.id,
        [NewFetchAttempt(status="blocked", error="login wall")],
        NewObservation(None, None, in_stock=None, reason="login wall", observed_at=when),
    )
    repo.record_check(failed.id, [NewFetchAttempt(status="network_error", error="timeout")], None)
    repo.set_active([b.id], False)
    return repo


def test_the_reader_gives_what_the_repository_gives(sqlite_url):
    repo = _varied_store(sqlite_url)
    expected = repo.listing_statuses()
    assert sqlite_reader.listing_statuses(sqlite_url) == expected
    first = expected[0]
    assert first.latest.price == Decimal("2999.9999") and first.latest.observed_at.tzinfo == UTC
    assert [s.latest is None for s in expected] == [False, False, True, True]
    assert [s.last_attempt is None for s in expected] == [False, False, True, False]


def _long_history(repo, listing_id):
    """Two days of checks every 5 hours, stored from +08:00, a no-price one among them,
    and a second currency on one day: pages and days to cut at every kind of edge."""
    start = datetime(2026, 11, 10, 22, 0, 0, 250000, tzinfo=timezone(timedelta(hours=8)))
    found = [
        NewObservation(
            None if step == 3 else Decimal(100 + step) / 4,
            None if step == 3 else ("USD" if step == 5 else "CNY"),
            reason="login wall" if step == 3 else None,
            observed_at=start + timedelta(hours=5 * step),
        )
        for step in range(10)
    ]
    repo.import_observations(listing_id, found)
    return [o.observed_at for o in found]


def test_history_pages_read_as_the_repository_reads_them(sqlite_url):
    repo = _varied_store(sqlite_url)
    times = _long_history(repo, 2)
    utc = [t.astimezone(UTC) for t in times]
    befores = [None, times[4], utc[4] + timedelta(microseconds=1), utc[0], utc[9] + timedelta(1)]
    for listing_id in (1, 2, 3):
        for before in befores:
            for limit in (None, 1, 3, 0):
                expected = repo.history(listing_id, before=before, limit=limit)
                got = sqlite_reader.history(sqlite_url, listing_id, before=before, limit=limit)
                assert got == expected, (listing_id, before, limit)
    page = sqlite_reader.history(sqlite_url, 2, before=times[4], limit=3)
    assert [o.observed_at for o in page] == utc[1:4]  # strictly before, oldest first
    assert page[-1].price is None and page[-1].reason == "login wall"


def test_daily_pages_read_as_the_repository_reads_them(sqlite_url):
    repo = _varied_store(sqlite_url)
    _long_history(repo, 2)
    days = repo.daily_history(2)
    assert {d.currency for d in days} == {"CNY", "USD"}  # the store rolled up both
    for listing_id in (1, 2, 3):
        for before in (None, days[1].day, days[-1].day, "2030-01-01"):
            for limit in (None, 1, 2):
                expected = repo.daily_history(listing_id, before=before, limit=limit)
                got = sqlite_reader.daily_history(
                    sqlite_url, listing_id, before=before, limit=limit
                )
                assert got == expected, (listing_id, before, limit)


def test_a_missing_listing_is_left_to_the_repository_to_name(sqlite_url):
    _varied_store(sqlite_url)
    assert sqlite_reader.history(sqlite_url, 99) is None
    assert sqlite_reader.daily_history(sqlite_url, 99) is None
    assert sqlite_reader.history(sqlite_url, 3) == []  # known, never checked


def test_the_reader_steps_aside_when_it_cannot_answer_exactly(sqlite_url, tmp_path):
    missing = f"sqlite:///{tmp_path / 'missing.sqlite'}"
    assert sqlite_reader.listing_statuses(missing) is None
    assert not (tmp_path / "missing.sqlite").exists()  # never created by a read
    assert sqlite_reader.listing_statuses("postgresql+psycopg://u@127.0.0.1/db") is None
    assert sqlite_reader.listing_statuses("sqlite:///:memory:") is None
    assert sqlite_reader.listing_statuses(sqlite_url + "?timeout=5") is None
    assert sqlite_reader.sqlite_path("sqlite:////tmp/a%20b.sqlite") is None
    not_a_store = tmp_path / "notes.txt"
    not_a_store.write_text("not a database")
    assert sqlite_reader.listing_statuses(f"sqlite:///{not_a_store}") is None

    _varied_store(sqlite_url)
    path = sqlite_reader.sqlite_path(sqlite_url)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")
    assert sqlite_reader.listing_statuses(sqlite_url) is None  # a migration is due
    assert sqlite_reader.history(sqlite_url, 1) is None
    assert sqlite_reader.daily_history(sqlite_url, 1) is None


def test_reading_imports_neither_sqlalchemy_nor_pydantic(sqlite_url):
    """The point of the reader: a fresh process that lists a store loads neither."""
    _varied_store(sqlite_url)
    code = (
        "import sys; from tracker.store import sqlite_reader;"
        f"rows = sqlite_reader.listing_statuses({sqlite_url!r});"
        f"page = sqlite_reader.history({sqlite_url!r}, 1, limit=5);"
        f"days = sqlite_reader.daily_history({sqlite_url!r}, 1);"
        "print(len(rows), len(page), len(days), sorted(m for m in"
        " ('sqlalchemy', 'sqlmodel', 'pydantic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["4", "2", "1", "[]"]
