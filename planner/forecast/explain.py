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
    from planner.forecast.evidence import Decision
    from planner.forecast.forecaster import Forecast
    from planner.forecast.outcomes import Outcome


RECENT_SHOWN = 3


def explain(
    result: Forecast,
    family: str,
    own: Sequence[Outcome],
    effect: float | None,
    decision: Decision,
) -> tuple[str, str]:
    """(English, Chinese) explanation of a forecast; `own` are the earlier sales' outcomes
    as measured (before any re-centring), `family` the target sale's kind."""
    cur = f" {result.currency}" if result.currency else ""
    basis_en, basis_zh = _basis(result, family, own, effect, result.method == "fallback")
    moved_en, moved_zh = _what_moved(decision)
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
    advice_en, advice_zh = _advice(result, decision, cur)
    return (
        f"{basis_en} {moved_en} {range_en} {advice_en}",
        f"{basis_zh}{moved_zh}{range_zh}{advice_zh}",
    )


def _what_moved(decision: Decision) -> tuple[str, str]:
    """Which evidence moved the point off today's price, or why nothing did."""
    drops = f"{decision.own_drops} of {decision.own_sales}"
    drops_zh = f"{decision.own_sales} 次中 {decision.own_drops} 次"
    if decision.point_basis == "own":
        return (
            f"The point moved because {drops} of this listing's earlier sale days dropped.",
            f"预测偏离现价，因为该商品往期大促{drops_zh}降价。",
        )
    if decision.point_basis == "comparable":
        return (
            "The point moved on the sale-day drops of comparable listings (weighted less).",
            "预测偏离现价，依据同类商品的大促降价（权重较低）。",
        )
    if decision.advice == "wait":
        # The point is a median shrunk toward "no change"; the advice weighs the whole
        # spread. Both are true at once, and the sentence has to say so, or "stays at
        # today's price" beside "wait" reads as a contradiction.
        return (
            f"The point stays at today's price: {drops} earlier sale days dropped, too few"
            " to move the middle of the forecast, but the chance and the size of a drop make"
            " waiting worth it on average.",
            f"预测中位数维持现价：往期大促{drops_zh}降价，不足以移动中位数，"
            "但考虑降价的概率和幅度，平均而言等待更划算。",
        )
    return (
        f"The point stays at today's price: {drops} earlier sale days dropped, not enough"
        " evidence to predict a drop.",
        f"预测维持现价：往期大促{drops_zh}降价，不足以预测降价。",
    )


def _advice(result: Forecast, decision: Decision, cur: str) -> tuple[str, str]:
    """The advice as a decision with its risk: probability, expected saving, its range."""
    odds_en = (
        f"P(drop) {decision.prob_drop:.0%} x typical drop {decision.drop_size:.0%}, "
        f"P(rise) {decision.prob_rise:.0%} x typical rise {decision.rise_size:.0%}: "
        f"net {decision.net_saving:+.1%} after the risk of a sell-out; waiting saves "
        f"{result.saving_low} to {result.saving_high}{cur} (80%)."
    )
    odds_zh = (
        f"降价概率 {decision.prob_drop:.0%}×幅度 {decision.drop_size:.0%}，涨价概率 "
        f"{decision.prob_rise:.0%}×幅度 {decision.rise_size:.0%}，扣除售罄风险后净 "
        f"{decision.net_saving:+.1%}；等待可省 {result.saving_low} 至 "
        f"{result.saving_high}{cur}（80%）。"
    )
    if result.advice == "wait":
        return (
            f"Wait until {result.wait_until}: expected saving {result.expected_saving}{cur}. "
            + odds_en,
            f"建议等到 {result.wait_until} 再买，预计可省 {result.expected_saving}{cur}。"
            + odds_zh,
        )
    if result.advice == "no_pattern":
        return (
            "No sale-day pattern yet: buy when the price suits you. " + odds_en,
            "尚无大促规律：价格合适即可购买。" + odds_zh,
        )
    return (
        "Buy now: the expected saving does not beat the risk of a rise or a sell-out. " + odds_en,
        "建议现在买：预期节省不足以抵消涨价和售罄风险。" + odds_zh,
    )


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
    shown_zh, shown_en = (
        ", ".join(
            f"{o.names[lang] if o.names else o.label} {(math.exp(o.log_ratio) - 1) * 100:+.0f}%"
            for o in recent
        )
        for lang in (0, 1)
    )
    recent_en = f" Same sale before: {shown_en}." if recent else ""
    recent_zh = f"往期同类大促：{shown_zh}。" if recent else ""
    return (
        f"Based on {_count(result.history_days, 'day')} of history and"
        f" {_count(sales, 'earlier sale day')}."
        f"{recent_en}{prophet_en}",
        f"依据 {result.history_days} 天历史与 {sales} 次往期大促。{recent_zh}{prophet_zh}",
    )


def _count(number: int, noun: str) -> str:
    """ "1 day", "2 days": the explanation is read by people."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
