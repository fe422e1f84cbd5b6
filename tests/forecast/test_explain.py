"""The sentence under a forecast says one thing at a time: where the point stays at
today's price and the advice is still to wait, it says why both hold."""

from datetime import date
from decimal import Decimal

from planner.forecast.evidence import Decision
from planner.forecast.explain import explain
from planner.forecast.forecaster import Forecast


def _decision(advice: str) -> Decision:
    return Decision(
        point_log_ratio=0.0,
        point_basis="none",
        prob_drop=0.76,
        prob_rise=0.05,
        drop_size=0.12,
        rise_size=0.03,
        net_saving=0.08,
        advice=advice,
        own_weight=0.4,
        own_drops=3,
        own_sales=4,
    )


def _forecast(advice: str) -> Forecast:
    return Forecast(
        series="jd-1",
        event_key="double11",
        event_name="Double 11",
        event_date=date(2026, 11, 11),
        as_of=date(2026, 10, 20),
        currency="CNY",
        last_price=Decimal("199.00"),
        point=Decimal("199.00"),
        lower=Decimal("159.00"),
        upper=Decimal("205.00"),
        prob_drop=0.76,
        prob_rise=0.05,
        advice=advice,
        wait_until=date(2026, 11, 11) if advice == "wait" else None,
        expected_saving=Decimal("15.92") if advice == "wait" else Decimal(0),
        saving_low=Decimal("-6.00"),
        saving_high=Decimal("40.00"),
        history_days=400,
        method="model",
        explanation="",
        explanation_zh="",
        inputs_hash="x",
    )


def test_a_point_at_today_s_price_with_wait_advice_says_why_both_hold():
    english, chinese = explain(_forecast("wait"), "double11", (), None, _decision("wait"))
    assert "not enough evidence to predict a drop" not in english
    assert "too few to move the middle of the forecast" in english
    assert "waiting worth it on average" in english and "Wait until 2026-11-11" in english
    assert "不足以预测降价" not in chinese and "平均而言等待更划算" in chinese


def test_a_point_at_today_s_price_with_buy_advice_says_the_evidence_is_thin():
    english, chinese = explain(_forecast("buy"), "double11", (), None, _decision("buy"))
    assert "not enough evidence to predict a drop" in english and "Buy now" in english
    assert "不足以预测降价" in chinese
