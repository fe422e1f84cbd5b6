"""The plain-language sentence under every forecast, in English and Chinese.

A number without its basis invites false confidence, so the sentence says what the
forecast rests on (how many earlier sales, or only a prior), what the interval is, and
why the advice is what it is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.forecast.forecaster import Forecast
    from planner.forecast.outcomes import Outcome


RECENT_SHOWN = 3


def explain(
    result: Forecast,
    family: str,
    own: Sequence[Outcome],
    effect: float | None,
    fallback: bool,
) -> tuple[str, str]:
    """(English, Chinese) explanation of a forecast; `own` are the earlier sales' outcomes
    as measured (before any re-centring), `family` the target sale's kind."""
    cur = f" {result.currency}" if result.currency else ""
    basis_en, basis_zh = _basis(result, family, own, effect, fallback)
    range_en = (
        f"Expected {result.point}{cur} on {result.event_name} ({result.event_date}), "
        f"80% range {result.lower}-{result.upper}{cur}, against {result.last_price}{cur} now; "
        f"chance of a drop over 2%: {result.prob_drop:.0%}."
    )
    range_zh = (
        f"预计{result.event_date}价格 {result.point}{cur}，80%区间 {result.lower}-"
        f"{result.upper}{cur}，当前 {result.last_price}{cur}；"
        f"降价超过2%的概率 {result.prob_drop:.0%}。"
    )
    if result.advice == "wait":
        advice_en = (
            f"Wait until {result.wait_until}: expected saving {result.expected_saving}{cur}."
        )
        advice_zh = f"建议等到 {result.wait_until} 再买，预计可省 {result.expected_saving}{cur}。"
    else:
        advice_en = "Buy now: a worthwhile drop is not likely enough to justify waiting."
        advice_zh = "建议现在买：降价的把握不足以值得等待。"
    return f"{basis_en} {range_en} {advice_en}", f"{basis_zh}{range_zh}{advice_zh}"


def _basis(
    result: Forecast,
    family: str,
    own: Sequence[Outcome],
    effect: float | None,
    fallback: bool,
) -> tuple[str, str]:
    if fallback:
        return (
            f"Only {_count(result.history_days, 'day')} of history and too few earlier sales"
            " in it: this is the typical sale-day change of comparable listings or daoshou's"
            " shipped prior, not a forecast fitted to this listing, so the range is wide.",
            f"历史仅 {result.history_days} 天且缺少往期大促记录：以下为同类商品或内置先验的"
            "典型大促变化，并非针对该商品的拟合预测，区间较宽。",
        )
    sales = len(own)
    prophet_en = prophet_zh = ""
    if effect is not None:
        pct = (math.exp(effect) - 1) * 100
        prophet_en = f" Prophet's estimate of this sale's effect: {pct:+.1f}%."
        prophet_zh = f"Prophet 估计本次大促影响 {pct:+.1f}%。"
    recent = [o for o in own if o.family == family][-RECENT_SHOWN:]
    shown = ", ".join(f"{o.label} {(math.exp(o.log_ratio) - 1) * 100:+.0f}%" for o in recent)
    recent_en = f" Same sale before: {shown}." if recent else ""
    recent_zh = f"往期同类大促：{shown}。" if recent else ""
    return (
        f"Based on {_count(result.history_days, 'day')} of history and"
        f" {_count(sales, 'earlier sale day')}."
        f"{recent_en}{prophet_en}",
        f"依据 {result.history_days} 天历史与 {sales} 次往期大促。{recent_zh}{prophet_zh}",
    )


def _count(number: int, noun: str) -> str:
    """ "1 day", "2 days": the explanation is read by people."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
