"""The backtest's metric definitions, on hand-made cases with known answers."""

from datetime import date

import pytest

from planner.forecast.backtest import Case, _score, build_cases
from planner.forecast.baselines import Prediction

from .conftest import steps


def case(calendar, last, actual):
    series = steps("s", date(2026, 9, 1), [(40, last)], platform="jd")
    return Case(series, calendar.resolve("11.11", "jd", date(2026, 10, 11)), 7, actual)


def test_scores_follow_their_definitions(calendar):
    cases = [
        case(calendar, "100", 80.0),
        case(calendar, "100", 100.0),
        case(calendar, "100", 110.0),
    ]
    preds = [
        {"m": Prediction(85.0, 75.0, 95.0, 0.9, wait=True)},  # waited, saved 20
        {"m": Prediction(100.0, 95.0, 105.0, 0.2, wait=False)},
        {"m": Prediction(90.0, 85.0, 100.0, 0.6, wait=True)},  # waited, paid 10 more
    ]
    score = _score("m", cases, preds)
    assert score.mae == pytest.approx((5 + 0 + 20) / 3)
    assert score.mase == pytest.approx(25 / 30)  # last-price errors: 20, 0, 10
    assert score.coverage_80 == pytest.approx(2 / 3)
    assert score.brier == pytest.approx((0.1**2 + 0.2**2 + 0.6**2) / 3)
    assert score.savings_share == pytest.approx((20 - 10) / 20)  # perfect foresight saves 20
    assert score.worse_share == pytest.approx(1 / 3)
    assert score.waits == 2


def test_cases_need_an_observed_sale_day_and_enough_history(calendar, daily):
    series = {"s": daily["shopee-br-15574703473"]}  # 2022-11-16 .. 2023-04-01, with gaps
    cases = build_cases(series, calendar)
    assert cases
    for c in cases:
        assert c.series.history_days >= 30
        assert (c.target.day - c.series.last_day).days == c.horizon
        assert daily["shopee-br-15574703473"].price_on(c.target.day, stale_days=1) is not None
