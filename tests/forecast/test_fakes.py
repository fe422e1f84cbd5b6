"""先涨后降: a raise in the weeks before a sale that makes the sale price no discount."""

from datetime import date
from decimal import Decimal

from planner.forecast.fakes import detect_fake_discount, fake_discounts

from .conftest import steps


def double11(calendar):
    return calendar.resolve("double11", "pdd", date(2026, 1, 1))  # sale runs 10-28 .. 11-11


def test_raised_then_sold_at_the_old_price_is_flagged(calendar):
    # normal 100 through September, raised to 130 on 10-08, "sale" back to 100 on 10-28
    series = steps("x", date(2026, 7, 1), [(99, "100"), (20, "130"), (30, "100")], "pdd")
    found = detect_fake_discount(series, double11(calendar))
    assert found is not None
    assert found.normal_price == Decimal("100.00")
    assert found.raised_to == Decimal("130") and found.raised_on == date(2026, 10, 8)
    assert found.raise_pct == Decimal("30.0")
    assert found.sale_price == Decimal("100") and found.real_change_pct == Decimal("0.0")
    assert found.hidden_by_7_day_rule  # raised 20 days before: the 7-day reference is 130
    assert found.claimed_discount_pct == Decimal("23.1")
    assert "30.0%" in found.explanation and "先涨后降" in found.explanation_zh


def test_a_raise_inside_the_7_day_window_is_not_hidden(calendar):
    series = steps("x", date(2026, 7, 1), [(115, "100"), (4, "120"), (30, "100")], "pdd")
    found = detect_fake_discount(series, double11(calendar))
    assert found is not None and not found.hidden_by_7_day_rule
    assert found.reference_price == Decimal("100")


def test_an_honest_discount_is_not_flagged(calendar):
    series = steps("x", date(2026, 7, 1), [(99, "100"), (20, "130"), (30, "80")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_a_plain_price_rise_is_not_a_discount(calendar):
    series = steps("x", date(2026, 7, 1), [(99, "100"), (50, "130")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_too_little_history_cannot_tell(calendar):
    series = steps("x", date(2026, 10, 1), [(10, "130"), (30, "100")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_a_raise_ahead_of_a_coming_sale_is_reported(calendar):
    series = steps("x", date(2026, 7, 1), [(99, "100"), (15, "150")], "pdd")
    found = detect_fake_discount(series, double11(calendar))
    assert found is not None and found.sale_price is None
    assert "ahead of Double 11" in found.explanation


def test_scan_of_the_real_fixture_finds_raises_before_double_days(calendar, daily):
    series = daily["shopee-br-14471773624"]
    found = fake_discounts(series, calendar.occurrences("shopee"))
    assert found, "the fixture has a listing raised before Black Friday 2022"
    assert all(f.raise_pct >= 3 for f in found)
