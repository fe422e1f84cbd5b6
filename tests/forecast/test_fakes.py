"""先涨后降: a raise in the weeks before a sale that makes the sale price no discount."""

from datetime import date
from decimal import Decimal

from planner.forecast.fakes import detect_fake_discount, fake_discounts

from .conftest import steps


def double11(calendar):
    return calendar.resolve("double11", "pdd", date(2026, 1, 1))  # sale runs 10-28 .. 11-11


def test_a_raise_inside_the_7_day_window_then_a_cut_back_is_flagged(calendar):
    # 100 until 10-24, raised to 120 for 10-25..10-28 eve; the sale (from 10-28) is 100 again
    series = steps("x", date(2026, 7, 1), [(116, "100"), (3, "120"), (30, "100")], "pdd")
    found = detect_fake_discount(series, double11(calendar))
    assert found is not None
    assert found.reference_price == Decimal("100")
    assert (found.reference_from, found.reference_to) == (date(2026, 10, 21), date(2026, 10, 27))
    assert found.raised_to == Decimal("120") and found.raised_on == date(2026, 10, 25)
    assert found.raise_pct == Decimal("20.0")
    assert found.sale_price == Decimal("100") and found.real_change_pct == Decimal("0.0")
    assert found.claimed_discount_pct == Decimal("16.7")
    assert "2026-10-21..2026-10-27" in found.explanation and "先涨后降" in found.explanation_zh


def test_a_raise_before_the_7_day_window_sets_its_own_reference(calendar):
    # raised 20 days before the sale: the legal reference is 130, and the sale is below it
    series = steps("x", date(2026, 7, 1), [(99, "100"), (20, "130"), (30, "100")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_a_small_wobble_is_not_a_fake_discount(calendar):
    series = steps("x", date(2026, 7, 1), [(116, "100"), (3, "102"), (30, "100")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_an_honest_discount_is_not_flagged(calendar):
    series = steps("x", date(2026, 7, 1), [(116, "100"), (3, "130"), (30, "80")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_a_plain_price_rise_is_not_a_discount(calendar):
    series = steps("x", date(2026, 7, 1), [(99, "100"), (50, "130")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_too_little_history_cannot_tell(calendar):
    series = steps("x", date(2026, 10, 1), [(10, "130"), (30, "100")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_a_raise_ahead_of_a_coming_sale_is_reported(calendar):
    series = steps("x", date(2026, 7, 1), [(116, "100"), (2, "150")], "pdd")
    found = detect_fake_discount(series, double11(calendar))
    assert found is not None and found.sale_price is None
    assert "7 days before Double 11" in found.explanation


def test_scan_of_the_real_fixture_finds_raises_before_double_days(calendar, daily):
    series = daily["shopee-br-14471773624"]
    found = fake_discounts(series, calendar.occurrences("shopee"))
    assert found, "the fixture has a listing raised before Black Friday 2022"
    assert all(f.raise_pct >= 3 for f in found)
