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
    # the reference is the week before the raise began (10-25), not before the calendar's sale
    assert (found.reference_from, found.reference_to) == (date(2026, 10, 18), date(2026, 10, 24))
    assert found.raised_to == Decimal("120") and found.raised_on == date(2026, 10, 25)
    assert found.raise_pct == Decimal("20.0")
    assert found.sale_price == Decimal("100") and found.real_change_pct == Decimal("0.0")
    assert found.claimed_discount_pct == Decimal("16.7")
    assert "2026-10-18..2026-10-24" in found.explanation and "先涨后降" in found.explanation_zh


def test_a_raise_held_past_the_calendar_s_7_day_window_is_still_flagged(calendar):
    # raised 10-08, 20 days before the sale window opens (10-28): to the letter of the rule
    # against the calendar, 130 is the 7-day low; the raise is part of the promotion, so the
    # reference is the week before it (100), and a sale back at 100 is no discount
    series = steps("x", date(2026, 7, 1), [(99, "100"), (20, "130"), (30, "100")], "pdd")
    found = detect_fake_discount(series, double11(calendar))
    assert found is not None and found.raised_on == date(2026, 10, 8)
    assert found.reference_price == Decimal("100") and found.claimed_discount_pct == Decimal("23.1")


def test_a_raise_older_than_the_horizon_is_the_everyday_price(calendar):
    # raised 08-01, 102 days before Double 11: that is the price, and 120 is a real discount
    series = steps("x", date(2026, 5, 1), [(92, "100"), (80, "130"), (30, "120")], "pdd")
    assert detect_fake_discount(series, double11(calendar)) is None


def test_a_small_raise_is_everyday_repricing(calendar):
    # a 5% step before the sale and a sale back at the old price: no advertised "discount"
    for raised in ("102", "105"):
        series = steps("x", date(2026, 7, 1), [(116, "100"), (3, raised), (30, "100")], "pdd")
        assert detect_fake_discount(series, double11(calendar)) is None


def test_the_page_s_list_price_is_the_struck_price(calendar):
    series = steps("x", date(2026, 7, 1), [(116, "100"), (3, "120"), (30, "100")], "pdd")
    found = detect_fake_discount(series, double11(calendar), Decimal("160"))
    assert found is not None and found.raised_to == Decimal("160")
    assert found.claimed_discount_pct == Decimal("37.5") and found.raise_pct == Decimal("60.0")


def test_a_return_to_the_everyday_price_after_a_sale_is_not_a_raise(calendar):
    # Double 11 at 70, back to the everyday 100, Double 12 at 95: the week before the
    # return holds 70, but 100 is where the price lived before Double 11
    series = steps("x", date(2026, 7, 1), [(133, "100"), (3, "70"), (26, "100"), (5, "95")], "pdd")
    double12 = calendar.resolve("double12", "pdd", date(2026, 11, 20))
    assert series.price_on(double12.day) == Decimal("95")
    assert detect_fake_discount(series, double12) is None


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
    assert found.reference_price == Decimal("100") and found.raise_pct == Decimal("50.0")
    assert "ahead of Double 11" in found.explanation and "not below 100" in found.explanation


def test_scan_of_the_real_fixture_finds_raises_before_double_days(calendar, daily):
    series = daily["shopee-br-14471773624"]
    found = fake_discounts(series, calendar.occurrences("shopee"))
    assert found, "the fixture has a listing raised before Black Friday 2022"
    assert all(f.raise_pct >= 10 and f.real_change_pct >= -1 for f in found)


def test_real_histories_flag_few_listings(calendar, daily):
    """On the real fixture a flag is rare: a few Shopee raises before Black Friday."""
    flagged = {
        name
        for name, series in daily.items()
        if fake_discounts(series, calendar.occurrences(series.platform, end=series.last_day))
    }
    assert flagged and len(flagged) <= len(daily) // 4
    assert all(name.startswith("shopee-") for name in flagged)
