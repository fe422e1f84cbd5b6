"""Short histories fall back honestly: a prior or comparable listings, wide, said plainly."""

import math
from datetime import date
from decimal import Decimal

import pytest

from planner.errors import ForecastError
from planner.forecast import forecast

from .conftest import steps


def test_a_week_old_listing_gets_the_prior(calendar):
    series = steps("new", date(2026, 10, 20), [(8, "199.00")], platform="tmall")
    target = calendar.resolve("11.11", "tmall", date(2026, 10, 28))
    result = forecast(series, target, calendar)
    assert result.method == "fallback"
    assert result.history_days == 8
    assert result.lower < result.point <= result.upper
    assert (result.upper - result.lower) / result.last_price > Decimal("0.15")  # wide
    assert "Only 8 days of history" in result.explanation
    assert "历史仅 8 天" in result.explanation_zh
    assert result.advice == "no_pattern"  # no sale day of its own: an honest "no pattern"


def test_comparables_replace_the_prior_when_given(calendar):
    series = steps("new", date(2026, 10, 20), [(8, "100.00")], platform="jd")
    target = calendar.resolve("11.11", "jd", date(2026, 10, 28))
    deep_cuts = [math.log(0.7)] * 10
    result = forecast(series, target, calendar, comparables=deep_cuts)
    assert result.method == "fallback"
    assert result.prob_drop > 0.5
    # comparables together count as one sale: not enough to move the point past the
    # shipped "no change" shrink, but enough for the drop probability and the advice
    assert result.point == Decimal("100.00") and result.lower <= Decimal("70.00")
    assert result.advice == "wait" and result.wait_until == date(2026, 10, 31)
    assert result.expected_saving > 0


def test_money_stays_decimal_and_rounded_to_the_currency(calendar):
    series = steps("yen", date(2026, 10, 1), [(20, "1999")], platform="amazon", currency="JPY")
    target = calendar.resolve("black-friday", "amazon", date(2026, 10, 21))
    result = forecast(series, target, calendar)
    for value in (result.point, result.lower, result.upper, result.expected_saving):
        assert isinstance(value, Decimal) and value == value.to_integral_value()


def test_a_sale_before_the_history_ends_is_refused(calendar):
    series = steps("old", date(2026, 11, 1), [(20, "10")], platform="jd")
    target = calendar.resolve("2026-11-11", "jd", date(2026, 11, 1))
    with pytest.raises(ForecastError, match="not after"):
        forecast(series, target, calendar)


def test_the_result_carries_the_hash_of_all_its_inputs(calendar):
    from planner.forecast import inputs_hash

    series = steps("new", date(2026, 10, 20), [(8, "100.00")], platform="jd")
    target = calendar.resolve("11.11", "jd", date(2026, 10, 28))
    with_comparables = forecast(series, target, calendar, comparables=[-0.1, -0.2])
    assert with_comparables.inputs_hash == inputs_hash(series, target, [-0.1, -0.2])
    assert with_comparables.inputs_hash != forecast(series, target, calendar).inputs_hash
