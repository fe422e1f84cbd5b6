"""Properties that hold for any history: ordered interval, probabilities, exact money."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.forecast import forecast, load_calendar, series_from_points

CALENDAR = load_calendar()
prices = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("5000"), places=2)


@settings(max_examples=60, deadline=None)
@given(
    segments=st.lists(st.tuples(st.integers(1, 40), prices), min_size=1, max_size=8),
    platform=st.sampled_from(["jd", "tmall", "shopee", "steam", None]),
    ahead=st.integers(1, 60),
)
def test_any_step_history_gives_a_coherent_forecast(segments, platform, ahead):
    points, day = [], date(2025, 1, 1)
    for length, price in segments:
        for _ in range(length):
            points.append((day, price))
            day += timedelta(days=1)
    series = series_from_points("h", points, "CNY", platform)
    target = CALENDAR.resolve(
        (series.last_day + timedelta(days=ahead)).isoformat(), platform, series.last_day
    )
    result = forecast(series, target, CALENDAR, use_prophet=False)
    assert result.lower <= result.point <= result.upper
    assert 0.0 <= result.prob_drop <= 1.0
    assert result.advice in ("buy", "wait", "no_pattern")
    assert (result.advice == "wait") == (result.wait_until is not None)
    assert result.expected_saving >= 0
    assert result.point.as_tuple().exponent == -2
