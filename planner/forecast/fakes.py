"""Fake discounts (先涨后降): raise the price in the weeks before a sale, then "cut" it.

The rule shoppers and regulators use (明码标价和禁止价格欺诈规定): the struck "original"
price of a promotion must not exceed the lowest price of the 7 days before the promotion
started. Read to the letter against the sale calendar it has a loophole that 先涨后降 is
built to use: raise the price more than 7 days before the sale, and the raised price *is*
the 7-day low. The rule's intent is that the raise itself is part of the promotion, so:

- the promotion is the price path, not the calendar: the calendar only says which sale
  day to look at (its main day); the path says when the price was cut to the sale price
  and when the raise before the cut began;
- the raise: the earliest day `r`, within `RAISE_HORIZON_DAYS` of the main day, from which
  every price up to the cut stands at least 10% above both the lowest price of the 7 days
  before `r` (the reference) and the everyday price (median of the 60 days before `r`),
  so a return to the everyday price after an earlier sale is not a raise; smaller raises
  are the everyday repricing real histories show (Shopee listings and the demo's shops
  move 2-5% at a time), and flagging them taught shoppers to ignore the mark;
- the cut: the last day before the main day whose price stood above the sale price (the
  day before the main day when the path shows none and only the page's label claims one);
- the struck price: the list price the page showed on the sale day when the store
  recorded one, else the highest price before the cut (what a label would strike out);
- flagged only when the sale-day price is not below the reference (1% tolerance): a sale
  that beats the pre-raise low is a real discount however high the struck price was.

A raise held longer than the horizon has become the everyday price, and a listing with
no price in the 7 days before the raise (nor an earlier one, the regulation's fallback)
cannot be judged: both give None. For a sale the history has not reached, a raise that
still holds is reported alone: a coming "discount" must beat its reference to be real.
Every result carries its evidence: reference and its window, struck price, claimed and
real discount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from statistics import median

from planner.forecast.calendar import Occurrence
from planner.forecast.history import PriceSeries

RAISE_HORIZON_DAYS = 45  # a raise begun earlier than this before the sale is the everyday price
NORMAL_WINDOW_DAYS = 60
MIN_NORMAL_OBSERVATIONS = NORMAL_WINDOW_DAYS // 2  # a median of mostly everyday days
FALLBACK_DAYS = 30  # no price in the reference week: the last price before it, if this recent
RAISE_THRESHOLD = Decimal("1.10")  # smaller raises are everyday repricing
NOT_BELOW_TOLERANCE = Decimal("0.99")
REFERENCE_DAYS = 7  # the legal reference: the lowest price of the 7 days before the promotion
_PERCENT = Decimal("0.1")


@dataclass(frozen=True)
class FakeDiscount:
    """A sale whose "discount" is struck from a raise; percentages are of the reference."""

    event_key: str
    event_date: date
    normal_price: Decimal  # everyday price: median of the 60 days before the raise
    raised_to: Decimal  # the struck price: the page's list price, else the pre-cut high
    raised_on: date  # the day the raise began
    raise_pct: Decimal  # how far the struck price stands above the reference, percent
    sale_price: Decimal | None  # None: the sale has not happened yet in the history
    real_change_pct: Decimal | None  # sale price vs the reference, percent (>= -1: no discount)
    reference_price: Decimal  # lowest price of the 7 days before the raise began
    reference_from: date  # the reference window: the 7 days before the raise began
    reference_to: date
    claimed_discount_pct: Decimal | None  # what a label striking out `raised_to` shows
    explanation: str
    explanation_zh: str


@dataclass(frozen=True)
class _Raise:
    day: date
    reference: Decimal
    normal: Decimal
    high: Decimal


def detect_fake_discount(
    series: PriceSeries, occ: Occurrence, list_price: Decimal | None = None
) -> FakeDiscount | None:
    """The fake discount of one sale, or None when the history shows an honest one (or
    cannot tell). `list_price` is the struck price the page showed on the sale day (today,
    for a coming sale), when the store recorded one."""
    if occ.day <= series.last_day:
        sale = series.price_on(occ.day, stale_days=1)
        if sale is None:
            return None
        cut = _last_day_above(series, occ.day, sale * (2 - NOT_BELOW_TOLERANCE))
        end = cut or occ.day - timedelta(days=1)  # no cut on the path: the label claims it
    else:
        sale, end = None, series.last_day
    found = _raise_before(series, occ.day - timedelta(days=RAISE_HORIZON_DAYS), end)
    if found is None or (sale is not None and sale < found.reference * NOT_BELOW_TOLERANCE):
        return None  # no raise, or a real discount on the pre-raise reference
    struck = list_price if list_price is not None else found.high
    if sale is not None and struck <= sale * (2 - NOT_BELOW_TOLERANCE):
        return None  # nothing struck out above the sale price: no "discount" claimed
    return _report(occ, found, struck, sale)


def fake_discounts(series: PriceSeries, occurrences: list[Occurrence]) -> list[FakeDiscount]:
    """Every fake discount among the sales in `occurrences` the history covers."""
    found = []
    for occ in occurrences:
        if series.first_day <= occ.day <= series.last_day + timedelta(days=RAISE_HORIZON_DAYS):
            result = detect_fake_discount(series, occ)
            if result is not None:
                found.append(result)
    return found


def _last_day_above(series: PriceSeries, before: date, floor: Decimal) -> date | None:
    """The last day before `before`, within the horizon, whose price exceeded `floor`."""
    start = before - timedelta(days=RAISE_HORIZON_DAYS)
    above = [d for d, p in _dated(series, start, before - timedelta(days=1)) if p > floor]
    return above[-1] if above else None


def _raise_before(series: PriceSeries, horizon: date, cut: date) -> _Raise | None:
    """The earliest raise from `horizon` on that held every day up to `cut` (see module)."""
    path = _dated(series, horizon, cut)
    for index, (day, _price) in enumerate(path):
        reference = _reference(series, day)
        normal_prices = series.between(
            day - timedelta(days=NORMAL_WINDOW_DAYS), day - timedelta(days=1)
        )
        known = series.first_day <= day - timedelta(days=NORMAL_WINDOW_DAYS)
        if reference is None or not known or len(normal_prices) < MIN_NORMAL_OBSERVATIONS:
            continue
        normal = Decimal(median(normal_prices))
        floor = max(reference, normal) * RAISE_THRESHOLD
        held = [p for _, p in path[index:]]
        if min(held) >= floor:
            return _Raise(day, reference, normal, max(held))
    return None


def _reference(series: PriceSeries, day: date) -> Decimal | None:
    """The lowest price of the 7 days before `day`; with none, the last price before them."""
    week = series.between(day - timedelta(days=REFERENCE_DAYS), day - timedelta(days=1))
    if week:
        return min(week)
    return series.price_on(day - timedelta(days=REFERENCE_DAYS + 1), stale_days=FALLBACK_DAYS)


def _dated(series: PriceSeries, start: date, end: date) -> list[tuple[date, Decimal]]:
    return [(d, p) for d, p in zip(series.days, series.prices, strict=True) if start <= d <= end]


def _pct(value: Decimal, base: Decimal) -> Decimal:
    return ((value - base) / base * 100).quantize(_PERCENT, rounding=ROUND_HALF_EVEN)


def _report(occ: Occurrence, found: _Raise, struck: Decimal, sale: Decimal | None) -> FakeDiscount:
    reference = found.reference
    raise_pct = _pct(struck, reference)
    real = _pct(sale, reference) if sale is not None else None
    claimed = -_pct(sale, struck) if sale is not None else None
    ref_from = found.day - timedelta(days=REFERENCE_DAYS)
    ref_to = found.day - timedelta(days=1)
    window = f"{ref_from}..{ref_to}"
    if sale is None:
        english = (
            f"Raised from {found.day} ahead of {occ.name_en}: struck price {struck} is"
            f" {raise_pct}% above {reference}, the lowest price of the 7 days before the"
            f" raise ({window}); a sale price not below {reference} is no discount."
        )
        chinese = (
            f"{occ.name_zh}前先涨价：{found.day} 起涨价，划线价 {struck} 比涨价前7日"
            f"（{window}）最低价 {reference} 高 {raise_pct}%；大促价不低于 {reference} 即无优惠。"
        )
    else:
        english = (
            f"Fake discount on {occ.name_en}: struck price {struck} shows {claimed}% off,"
            f" but the sale price {sale} is {real:+}% against {reference}, the lowest price"
            f" of the 7 days before the raise began on {found.day} ({window})."
        )
        chinese = (
            f"{occ.name_zh}先涨后降：划线价 {struck} 显示优惠 {claimed}%，但大促价 {sale}"
            f" 相对 {found.day} 涨价前7日（{window}）最低价 {reference} 变化 {real:+}%。"
        )
    return FakeDiscount(
        event_key=occ.key,
        event_date=occ.day,
        normal_price=found.normal.quantize(Decimal("0.01")),
        raised_to=struck,
        raised_on=found.day,
        raise_pct=raise_pct,
        sale_price=sale,
        real_change_pct=real,
        reference_price=reference,
        reference_from=ref_from,
        reference_to=ref_to,
        claimed_discount_pct=claimed,
        explanation=english,
        explanation_zh=chinese,
    )
