"""A fresh store filled through the bulk path reads back exactly as it was given.

The bulk path encodes values with the column types' own bind processing but skips the
ORM and SQLAlchemy's per-row parameter handling, so this checks what that could break:
exact money, aware UTC times, text, a column left to its default, NULLs, and the
summary and daily roll-up rebuilt from what was written, on SQLite and PostgreSQL.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tracker.store import db
from tracker.store.bulk import FreshRows, fill_fresh_store
from tracker.store.repository import Repository

START = datetime(2025, 3, 1, 22, 30, tzinfo=UTC)


def _observation(listing_id: int, hour: int, price: str | None, **extra) -> dict:
    row = {
        "listing_id": listing_id,
        "observed_at": START + timedelta(hours=hour),
        "price": Decimal(price) if price else None,
        "list_price": None,
        "currency": "CNY" if price else None,
        "in_stock": True,
        "title": "维达抽纸 100抽×18包 [2-pack]",
        "source": "import",
        "reason": None if price else "login wall",
    }
    return {**row, **extra}


def _rows() -> FreshRows:
    listing = {"product_id": 1, "platform": "web", "use_browser": False, "active": True}
    return FreshRows(
        products=[
            {"id": 1, "name": "抽纸", "unit": "roll", "created_at": START, "archived": False},
        ],
        listings=[
            {**listing, "id": 1, "url": "https://a.example.com/1", "created_at": START},
            {**listing, "id": 2, "url": "https://b.example.com/2", "created_at": START},
        ],
        # No `is_from_price`, `promotions` nor `in_hand` keys: defaults and NULLs.
        observations=[
            _observation(1, 0, "19.9"),
            _observation(1, 1, "18.1234", list_price=Decimal("25.00")),
            _observation(1, 2, None),
            _observation(1, 3, "21.50"),
            _observation(2, 0, "0.01"),
        ],
    )


def test_bulk_rows_read_back_exactly(store_url):
    engine = db.open_engine(store_url)
    assert fill_fresh_store(engine, _rows()) == 5
    repo = Repository(engine)
    history = repo.history(1)
    assert [o.price for o in history] == [
        Decimal("19.90"),
        Decimal("18.1234"),
        None,
        Decimal("21.50"),
    ]
    assert [o.observed_at for o in history] == [START + timedelta(hours=h) for h in range(4)]
    assert all(o.observed_at.tzinfo is not None for o in history)
    assert history[1].list_price == Decimal("25.00")
    assert history[2].reason == "login wall" and history[2].currency is None
    assert {o.title for o in history} == {"维达抽纸 100抽×18包 [2-pack]"}
    assert {o.is_from_price for o in history} == {False}
    assert {o.promotions for o in history} == {()}
    statuses = {s.listing.id: s for s in repo.listing_statuses()}
    assert statuses[1].latest.price == Decimal("21.50")
    assert statuses[2].latest.price == Decimal("0.01")


def test_bulk_rows_are_rolled_up_by_utc_day(store_url):
    engine = db.open_engine(store_url)
    fill_fresh_store(engine, _rows())
    days = Repository(engine).daily_history(1)
    # 22:30 and 23:30 UTC on 1 March, then 00:30 (no price) and 01:30 on 2 March.
    assert [(d.day, d.first_price, d.last_price, d.min_price, d.max_price) for d in days] == [
        ("2025-03-01", Decimal("19.90"), Decimal("18.1234"), Decimal("18.1234"), Decimal("19.90")),
        ("2025-03-02", Decimal("21.50"), Decimal("21.50"), Decimal("21.50"), Decimal("21.50")),
    ]
