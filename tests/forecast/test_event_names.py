"""Explanations name earlier sales as people do, in the explanation's language: the
calendar's `name_zh` / `name_en`, never its key (`steam-summer-2023`)."""

from datetime import date

from planner.forecast import forecast


def test_earlier_sales_are_named_not_keyed(calendar, daily):
    series = daily["steam-hollow-knight"].until(date(2024, 6, 20))
    target = calendar.resolve("steam-summer", "steam", date(2024, 6, 21))
    result = forecast(series, target, calendar, use_prophet=False)
    assert f"Same sale before: {target.name_en} 20" in result.explanation
    assert f"往期同类大促：{target.name_zh} 20" in result.explanation_zh
    assert "steam-summer-20" not in result.explanation + result.explanation_zh
    assert result.event_name_zh == target.name_zh and result.event_name == target.name_en
