"""The watchlist read-model: best offer per unit, changes, reasons, trends, forecasts."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from tracker.queries.watch_rows import name_order
from tracker.queries.watchlist import (
    latest_observation_id,
    load_forecast_marks,
    load_trends,
    load_watchlist,
)
from tracker.queries.watchlist_sqlite import read_watchlist
from tracker.store import summary
from tracker.store.tables import ForecastRecord, Listing, Observation, Product

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


def _product(conn, pid, name="Detergent", unit="kg"):
    conn.execute(
        sa.insert(Product.__table__),
        [{"id": pid, "name": name, "unit": unit, "created_at": NOW, "archived": False}],
    )


def _listing(conn, lid, pid, platform, per_pack=None, active=True):
    conn.execute(
        sa.insert(Listing.__table__),
        [
            {
                "id": lid,
                "product_id": pid,
                "platform": platform,
                "url": f"https://x.example/{lid}",
                "per_pack": per_pack,
                "use_browser": False,
                "active": active,
                "created_at": NOW,
            }
        ],
    )


def _obs(conn, lid, days_ago, price, *, reason=None, in_stock=True, currency="CNY", in_hand=None):
    conn.execute(
        sa.insert(Observation.__table__),
        [
            {
                "listing_id": lid,
                "observed_at": NOW - timedelta(days=days_ago),
                "price": None if price is None else Decimal(price),
                "currency": currency if price is not None else None,
                "in_stock": in_stock,
                "is_from_price": False,
                "reason": reason,
                "title": f"title {lid}",
                "in_hand": None if in_hand is None else Decimal(in_hand),
            }
        ],
    )
    summary.rebuild(conn, [lid])  # rows written in bulk are summarised by a rebuild


def test_best_offer_compares_per_unit_not_sticker_price(engine):
    with engine.begin() as conn:
        _product(conn, 1)
        _listing(conn, 1, 1, "jd", Decimal(6))  # 79.9 for 6 kg: 13.32/kg
        _listing(conn, 2, 1, "tmall", Decimal(2))  # 32.9 for 2 kg: 16.45/kg
        _obs(conn, 1, 2, "89.9")
        _obs(conn, 1, 1, "79.9")
        _obs(conn, 2, 1, "32.9")
    [row] = load_watchlist(engine)
    assert row.best.listing_id == 1
    assert row.best.per_unit == Decimal("79.9") / 6
    assert row.best.change == Decimal("-10.0")
    assert row.status == "ok"


def test_latest_no_price_check_keeps_the_reason_and_drops_the_listing(engine):
    with engine.begin() as conn:
        _product(conn, 1)
        _listing(conn, 1, 1, "pdd", Decimal(4))
        _obs(conn, 1, 3, "45.9")
        _obs(conn, 1, 1, None, reason="login required", in_stock=None)
    [row] = load_watchlist(engine)
    [quote] = row.listings
    assert quote.price == Decimal("45.9")  # the last recorded price is still known
    assert quote.reason == "login required"
    assert row.best is None
    assert row.status == "no_price"
    assert row.reason == "login required"


def test_out_of_stock_and_unchecked_products(engine):
    with engine.begin() as conn:
        _product(conn, 1, "Console", "piece")
        _product(conn, 2, "New thing", "piece")
        _listing(conn, 1, 1, "jd")
        _listing(conn, 2, 2, "jd")
        _obs(conn, 1, 5, "2099")
        _obs(conn, 1, 1, None, reason="out of stock", in_stock=False)
    rows = {r.product_id: r for r in load_watchlist(engine)}
    assert rows[1].status == "out_of_stock"
    assert rows[2].status == "not_checked"


def test_mixed_currencies_are_never_compared(engine):
    with engine.begin() as conn:
        _product(conn, 1, "Lego", "piece")
        for lid in (1, 2, 3):
            _listing(conn, lid, 1, "web")
        _obs(conn, 1, 1, "3199")
        _obs(conn, 2, 1, "3299")
        _obs(conn, 3, 1, "399", currency="USD")
    [row] = load_watchlist(engine)
    assert row.best.listing_id == 1
    assert row.best.currency == "CNY"


def test_archived_products_and_inactive_listings_are_hidden(engine):
    with engine.begin() as conn:
        _product(conn, 1)
        _product(conn, 2, "Old")
        conn.execute(
            sa.update(Product.__table__).where(Product.__table__.c.id == 2).values(archived=True)
        )
        _listing(conn, 1, 1, "jd", active=False)
        _obs(conn, 1, 1, "10")
    [row] = load_watchlist(engine)
    assert row.product_id == 1
    assert row.listings == ()
    assert row.status == "not_checked"


def test_trends_are_daily_minimums_per_unit_and_lowest_ever(engine):
    with engine.begin() as conn:
        _product(conn, 1)
        _listing(conn, 1, 1, "jd", Decimal(6))
        _listing(conn, 2, 1, "tmall", Decimal(2))
        _obs(conn, 1, 400, "48")  # 8/kg, long ago: lowest but outside the series
        _obs(conn, 1, 2, "90")  # 15/kg
        _obs(conn, 2, 2, "28")  # 14/kg: the cheaper per kg that day
        _obs(conn, 1, 1, "84")  # 14/kg
    rows = load_watchlist(engine)
    trend = load_trends(engine, rows, days=30, now=NOW)[1]
    assert [value for _, value in trend.daily] == [Decimal(14), Decimal(14)]
    assert trend.lowest == Decimal(28)
    assert trend.lowest_per_unit == Decimal(8)


def test_latest_observation_id_grows_with_new_checks(engine):
    assert latest_observation_id(engine) == 0
    with engine.begin() as conn:
        _product(conn, 1)
        _listing(conn, 1, 1, "jd")
        _obs(conn, 1, 1, "10")
    assert latest_observation_id(engine) == 1


def test_forecast_marks_pick_the_nearest_upcoming_event(engine):
    with engine.begin() as conn:
        _product(conn, 1)
        _listing(conn, 1, 1, "jd")
        rows = [
            ("double11-2026", "2026-11-11", "70"),
            ("double12-2026", "2026-12-12", "75"),
            ("618-2027", "2027-06-18", "60"),
        ]
        for key, day, point in rows:
            conn.execute(
                sa.insert(ForecastRecord.__table__),
                [
                    {
                        "listing_id": 1,
                        "event_key": key,
                        "event_date": day,
                        "inputs_hash": "h",
                        "computed_at": NOW,
                        "currency": "CNY",
                        "point": Decimal(point),
                        "advice": "wait",
                        "history_days": 700,
                        "fake_discount": {"is_fake": True} if key.startswith("double12") else None,
                    }
                ],
            )
        _obs(conn, 1, 1, "80")
    mark = load_forecast_marks(engine, load_watchlist(engine), today=NOW.date())[1]
    assert mark.event_key == "double12-2026"
    assert mark.point == Decimal(75)
    assert mark.fake_discount is True


def _forecast(conn, lid, point):
    conn.execute(
        sa.insert(ForecastRecord.__table__),
        [
            {
                "listing_id": lid,
                "event_key": "double12-2026",
                "event_date": "2026-12-12",
                "inputs_hash": "h",
                "computed_at": NOW,
                "currency": "CNY",
                "point": Decimal(point),
                "advice": "wait" if lid == 1 else "buy_now",
                "history_days": 700,
            }
        ],
    )


def test_best_is_per_unit_in_hand_and_its_forecast_is_its_own(engine):
    with engine.begin() as conn:
        _product(conn, 1)
        # Sticker order: listing 1 (60 for 4 kg: 15/kg) below listing 2 (70 for 4 kg).
        # In hand: listing 2's coupon brings it to 50 (12.5/kg), below listing 1's 58.
        _listing(conn, 1, 1, "jd", Decimal(4))
        _listing(conn, 2, 1, "tmall", Decimal(4))
        _obs(conn, 1, 1, "60", in_hand="58")
        _obs(conn, 2, 1, "70", in_hand="50")
        _forecast(conn, 1, "40")  # the cheaper forecast belongs to the other listing
        _forecast(conn, 2, "48")
    (row,) = load_watchlist(engine)
    assert row.best is not None and row.best.listing_id == 2
    assert row.best.in_hand_per_unit == Decimal("12.5") and row.best.price == Decimal(70)
    mark = load_forecast_marks(engine, [row], today=NOW.date())[1]
    assert (mark.listing_id, mark.point, mark.advice) == (2, Decimal(48), "buy_now")


def test_best_falls_back_to_the_price_where_no_in_hand_was_recorded(engine):
    with engine.begin() as conn:
        _product(conn, 1)
        _listing(conn, 1, 1, "jd")
        _listing(conn, 2, 1, "tmall")
        _obs(conn, 1, 1, "60")  # checked before in-hand prices were kept
        _obs(conn, 2, 1, "70", in_hand="65")
        _forecast(conn, 2, "48")
    (row,) = load_watchlist(engine)
    assert row.best is not None and row.best.listing_id == 1
    assert row.best.in_hand_price == Decimal(60)
    assert load_forecast_marks(engine, [row], today=NOW.date()) == {}


def test_a_forecast_remembers_the_price_it_was_made_for(engine):
    """The advice is a decision about one price: the mark keeps the price the listing had
    when the forecast was made, and says when the price has moved since."""
    with engine.begin() as conn:
        _product(conn, 1)
        _listing(conn, 1, 1, "jd")
        _obs(conn, 1, 3, "3326")
        _obs(conn, 1, 2, "3300")  # the latest check before the forecast (made 1 day ago)
        conn.execute(
            sa.insert(ForecastRecord.__table__),
            [
                {
                    "listing_id": 1,
                    "event_key": "double12-2026",
                    "event_date": "2026-12-12",
                    "inputs_hash": "h",
                    "computed_at": NOW - timedelta(days=1),
                    "currency": "CNY",
                    "point": Decimal(3100),
                    "advice": "wait",
                    "history_days": 700,
                }
            ],
        )
    (row,) = load_watchlist(engine)
    mark = load_forecast_marks(engine, [row], today=NOW.date())[1]
    assert mark.made_for == Decimal(3300)
    assert not mark.is_stale(row.best.price)
    with engine.begin() as conn:
        _obs(conn, 1, 0, "3239")  # the price moved after the forecast
    (row,) = load_watchlist(engine)
    mark = load_forecast_marks(engine, [row], today=NOW.date())[1]
    assert mark.made_for == Decimal(3300) and row.best.price == Decimal(3239)
    assert mark.is_stale(row.best.price)


def _varied_watchlist(conn):
    """Every state a watchlist row can be in, names that sort differently by case and
    that tie, and more products than a first screenful of three."""
    names = ["banana", "Apple", "apple", "Cherry", "洗衣液", "Ápfel", "apple"]
    for pid, name in enumerate(names, start=1):
        _product(conn, pid, name)
    _product(conn, 8, "Old")
    conn.execute(
        sa.update(Product.__table__).where(Product.__table__.c.id == 8).values(archived=True)
    )
    _listing(conn, 1, 1, "jd", Decimal(6))
    _listing(conn, 2, 1, "tmall", Decimal("2.5"))
    _obs(conn, 1, 2, "89.9")
    _obs(conn, 1, 1, "79.9", in_hand="69.9")
    _obs(conn, 2, 1, "32.9")
    _listing(conn, 3, 2, "pdd")
    _obs(conn, 3, 3, "45.9")
    _obs(conn, 3, 1, None, reason="login required", in_stock=None)
    _listing(conn, 4, 3, "jd")
    _obs(conn, 4, 1, None, reason="out of stock", in_stock=False)
    _listing(conn, 5, 4, "web")
    _listing(conn, 6, 4, "web")
    _obs(conn, 5, 1, "3199")
    _obs(conn, 6, 1, "399", currency="USD")
    _listing(conn, 7, 5, "jd", active=False)
    _obs(conn, 7, 1, "10")
    _listing(conn, 8, 6, "jd")  # never checked
    _listing(conn, 9, 8, "jd")  # of an archived product
    _obs(conn, 9, 1, "5")


def test_the_sqlite_reader_gives_the_watchlist_load_watchlist_gives(engine):
    with engine.begin() as conn:
        _varied_watchlist(conn)
    url = engine.url.render_as_string(hide_password=False)
    rows = load_watchlist(engine)
    assert read_watchlist(url) == rows
    in_name_order = sorted(rows, key=lambda row: name_order(row.name))  # stable: ties by id
    assert [r.product_id for r in in_name_order[:4]] == [2, 3, 7, 1]
    for first in (0, 1, 3, 4, 7, 20):
        head = read_watchlist(url, first)
        assert sorted(head, key=lambda row: name_order(row.name)) == in_name_order[:first]


def test_the_sqlite_reader_steps_aside_and_imports_no_sqlalchemy(engine, tmp_path):
    with engine.begin() as conn:
        _varied_watchlist(conn)
    url = engine.url.render_as_string(hide_password=False)
    assert read_watchlist(f"sqlite:///{tmp_path / 'missing.sqlite'}") is None
    assert read_watchlist("postgresql+psycopg://u@127.0.0.1/db") is None
    code = (
        "import sys; from tracker.queries.watchlist_sqlite import read_watchlist;"
        f"rows = read_watchlist({url!r});"
        "print(len(rows), [m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["7", "[]"]
