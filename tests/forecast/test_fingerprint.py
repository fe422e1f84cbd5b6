"""The nightly job's fingerprint: unchanged by one more identical day, moved by what matters."""

from datetime import date, timedelta

from planner.forecast.fingerprint import (
    history_fingerprint,
    needs_refit,
    price_levels,
    read_stored_key,
    stored_key,
)

from .conftest import steps

SALES = [date(2026, 3, 3), date(2026, 4, 4)]


def test_one_more_identical_day_keeps_the_fingerprint():
    before = steps("x", date(2026, 1, 1), [(40, "10.00"), (20, "12.00")])
    after = steps("x", date(2026, 1, 1), [(40, "10.00"), (21, "12.00")])
    assert history_fingerprint(before, SALES) == history_fingerprint(after, SALES)


def test_a_new_price_level_changes_it():
    before = steps("x", date(2026, 1, 1), [(40, "10.00"), (20, "12.00")])
    after = steps("x", date(2026, 1, 1), [(40, "10.00"), (20, "12.00"), (1, "10.00")])
    assert history_fingerprint(before, SALES) != history_fingerprint(after, SALES)
    assert [p for _, p in price_levels(after)] == ["10", "12", "10"]


def test_a_newly_seen_sale_day_changes_it_even_at_the_same_price():
    # 2026-01-01 + 62 days = 03-04: the 03-03 sale day enters the history at an unchanged price
    before = steps("x", date(2026, 1, 1), [(60, "10.00")])
    after = steps("x", date(2026, 1, 1), [(62, "10.00")])
    assert before.last_day < SALES[0] <= after.last_day
    assert history_fingerprint(before, SALES) != history_fingerprint(after, SALES)


def test_the_target_sale_is_part_of_it(calendar):
    series = steps("x", date(2026, 1, 1), [(60, "10.00")], platform="shopee")
    first = calendar.resolve("4.4", "shopee", series.last_day)
    second = calendar.resolve("5.5", "shopee", series.last_day)
    assert history_fingerprint(series, SALES, first) != history_fingerprint(series, SALES, second)


def test_needs_refit_only_on_change_or_a_week_later():
    day = date(2026, 5, 1)
    assert needs_refit(None, "a", None, day)
    assert needs_refit("a", "b", day, day)
    assert not needs_refit("a", "a", day, day + timedelta(days=6))
    assert needs_refit("a", "a", day, day + timedelta(days=7))


def test_stored_key_keeps_the_day_and_old_records_are_refit():
    key = stored_key("f" * 32, date(2026, 5, 1))
    assert read_stored_key(key) == ("f" * 32, date(2026, 5, 1))
    assert read_stored_key("0123abcd") == (None, None)  # written before fingerprints
    assert read_stored_key(None) == (None, None)


def test_growing_past_the_fallback_length_changes_it():
    short = steps("x", date(2026, 5, 1), [(59, "10.00")])
    long = steps("x", date(2026, 5, 1), [(60, "10.00")])
    assert history_fingerprint(short, []) != history_fingerprint(long, [])
