"""Importing a price history through the bulk path leaves the store exactly as recording
the same prices one check at a time (the ORM path) does, and an import that fails half-way
leaves the store as it was."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from planner.errors import HistoryImportError
from planner.forecast.history import read_history_csv
from tracker.checks.forecasts import IMPORT_TIME, import_history
from tracker.store import db
from tracker.store.repository import Repository
from tracker.store.tables import ListingSummary, Observation, ObservationDaily
from tracker.store.views import NewObservation

T0 = datetime(2026, 5, 30, 21, 0, tzinfo=UTC)
URLS = ("https://item.jd.com/100.html", "https://item.jd.com/200.html")


def _history_file(tmp_path, days=40):
    """Two series over `days` days, in CNY and USD, with a price that moves every day."""
    lines = ["series,date,price,currency"]
    for i in range(days):
        day = date(2026, 1, 1) + timedelta(days=i)
        lines.append(f"{URLS[0]},{day},{Decimal(1999 - 37 * (i % 11)) / 100},CNY")
        lines.append(f"{URLS[1]},{day},{Decimal(305 + 7 * (i % 5)) / 100},USD")
    path = tmp_path / "history.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _store(url):
    repo = Repository(db.open_engine(url))
    return repo, [repo.add_listing(u, product="纸巾").id for u in URLS]


def _tables(engine):
    """Every row the import writes or rebuilds, in a stable order."""
    with engine.connect() as conn:
        return [
            [tuple(row) for row in conn.execute(sa.select(table).order_by(*table.primary_key))]
            for table in (
                Observation.__table__,
                ListingSummary.__table__,
                ObservationDaily.__table__,
            )
        ]


def _one_check_at_a_time(repo, observations):
    for listing_id, observation in observations:
        repo.record_check(listing_id, [], observation)


def test_import_history_leaves_what_checks_leave(tmp_path):
    path = _history_file(tmp_path)
    bulk, ids = _store(f"sqlite:///{tmp_path / 'bulk.sqlite'}")
    checked, same_ids = _store(f"sqlite:///{tmp_path / 'checked.sqlite'}")
    assert ids == same_ids
    summary = import_history(bulk.engine, path)
    assert summary.inserted == {ids[0]: 40, ids[1]: 40}
    series = read_history_csv(path)
    _one_check_at_a_time(
        checked,
        [
            (
                listing_id,
                NewObservation(
                    price,
                    series[url].currency,
                    source="import",
                    observed_at=datetime.combine(day, IMPORT_TIME),
                ),
            )
            for listing_id, url in zip(ids, URLS, strict=True)
            for day, price in zip(series[url].days, series[url].prices, strict=True)
        ],
    )
    assert _tables(bulk.engine) == _tables(checked.engine)


def _observations():
    """A history with what checks record: gaps, from-prices, titles, a currency change."""
    found = []
    for hour in range(0, 24 * 9, 7):
        price = None if hour % 5 == 3 else Decimal(2000 - 13 * (hour % 17)) / 100
        found.append(
            NewObservation(
                price=price,
                currency=("USD" if hour > 150 else "CNY") if price is not None else None,
                list_price=Decimal("25.00") if price is not None else None,
                in_stock=hour % 3 != 0,
                is_from_price=hour % 11 == 0,
                title=f"维达抽纸 {hour}",
                source="import",
                reason=None if price is not None else "login wall",
                observed_at=T0 + timedelta(hours=hour),
                promotions=({"kind": "threshold", "spend": "200", "off": "30"},),
                in_hand=price - 1 if price is not None else None,
            )
        )
    return found


def test_import_observations_leaves_what_checks_leave(tmp_path):
    bulk, ids = _store(f"sqlite:///{tmp_path / 'bulk.sqlite'}")
    checked, _ = _store(f"sqlite:///{tmp_path / 'checked.sqlite'}")
    found = _observations()
    assert bulk.import_observations(ids[0], found) == len(found)
    _one_check_at_a_time(checked, [(ids[0], observation) for observation in found])
    assert _tables(bulk.engine) == _tables(checked.engine)


def test_an_import_failing_half_way_leaves_the_store_as_it_was(store_url, tmp_path):
    repo, ids = _store(store_url)
    repo.import_observations(ids[1], _observations()[:5])
    before = _tables(repo.engine)
    path = _history_file(tmp_path)
    # The second series' last price has five decimals: refused after the first series'
    # rows are written, in the same transaction.
    text = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(text[: text.rindex(",", 0, text.rindex(","))] + ",3.14159,USD\n")
    with pytest.raises(HistoryImportError, match="over 4 decimals"):
        import_history(repo.engine, path)
    assert _tables(repo.engine) == before
