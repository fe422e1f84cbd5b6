"""A few real Prophet fits (each ~0.5 s): the model path, on real and synthetic steps."""

from datetime import date, timedelta
from decimal import Decimal

from planner.forecast import forecast

from .conftest import steps


def test_steam_summer_sale_on_the_real_fixture(calendar, daily):
    series = daily["steam-hollow-knight"].until(date(2024, 6, 20))
    target = calendar.resolve("steam-summer", "steam", date(2024, 6, 21))
    result = forecast(series, target, calendar)
    actual = daily["steam-hollow-knight"].price_on(date(2024, 6, 27))
    assert result.method == "model"
    assert result.advice == "wait" and result.wait_until == date(2024, 6, 27)
    assert result.lower <= actual <= result.upper
    assert abs(result.point - actual) < abs(result.last_price - actual)
    assert "Prophet" in result.explanation


def test_sales_that_never_moved_the_price_say_buy(calendar):
    # two years flat on JD with one permanent step: no sale ever changed the price
    series = steps("flat", date(2024, 9, 1), [(300, "59.90"), (480, "49.90")], platform="jd")
    target = calendar.resolve("11.11", "jd", series.last_day + timedelta(days=1))
    result = forecast(series, target, calendar)
    assert result.method == "model"
    assert result.point == Decimal("49.90")  # the step holds: no wavy trend line
    assert result.advice == "buy" and result.expected_saving == 0
    assert result.prob_drop < 0.3


def test_inputs_hash_changes_with_the_data_only(calendar, daily):
    from planner.forecast import inputs_hash

    series = daily["shopee-br-8897653002"]
    target = calendar.resolve("12.12", "shopee", date(2023, 5, 1))
    assert inputs_hash(series, target) == inputs_hash(series, target)
    assert inputs_hash(series, target) != inputs_hash(series.until(date(2023, 3, 1)), target)


def test_prophet_is_reported_not_counted_twice(calendar, daily):
    # Prophet's effect is fitted to the same earlier sales the outcomes already hold
    series = daily["steam-elden-ring"].until(date(2024, 11, 20))
    target = calendar.resolve("steam-autumn", "steam", date(2024, 11, 21))
    with_model = forecast(series, target, calendar)
    outcomes_only = forecast(series, target, calendar, use_prophet=False)
    assert "Prophet" in with_model.explanation
    assert with_model.point == outcomes_only.point
    assert (with_model.lower, with_model.upper) == (outcomes_only.lower, outcomes_only.upper)
