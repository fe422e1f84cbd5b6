from dataclasses import replace
from datetime import date

from planner.forecast.inference import infer_platform

from .conftest import steps


def test_a_nameless_steam_history_is_recognised_by_its_drops(calendar, daily):
    anonymous = replace(daily["steam-hollow-knight"], name="game-1", platform=None)
    assert infer_platform(anonymous, calendar) == "steam"
    assert infer_platform(anonymous.until(date(2019, 12, 31)), calendar) == "steam"


def test_no_calendar_stands_out_on_a_flat_history(calendar):
    series = steps("flat", date(2024, 1, 1), [(400, "10.00"), (300, "9.00")])
    assert infer_platform(series, calendar) is None


def test_drops_that_ignore_every_calendar_are_not_attributed(calendar, daily):
    assert infer_platform(replace(daily["shopee-br-16604914064"], platform=None), calendar) is None
