"""Fake discounts (先涨后降): raise the price in the weeks before a sale, then "cut" it.

A sale price is only a discount if it is below what the listing normally cost. Some sellers
raise the price a few weeks before a sale so that the sale price, announced as "X% off",
is really the old normal price (or worse). China's pricing rule takes the lowest price of
the 7 days before a promotion as the reference, so a raise made earlier than that is
legal yet still misleading: this module reports both readings.

- normal price: the median price of the 60 days before the "weeks before" window;
- raised: the highest price in the 30 days before the sale starts is at least 3% above it;
- fake: the sale-day price is below the raised price (the "discount") but not below the
  normal price (1% tolerance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from statistics import median

from planner.forecast.calendar import Occurrence
from planner.forecast.history import PriceSeries

RAISE_WINDOW_DAYS = 30
NORMAL_WINDOW_DAYS = 60
MIN_NORMAL_OBSERVATIONS = 7
RAISE_THRESHOLD = Decimal("1.03")
NOT_BELOW_TOLERANCE = Decimal("0.99")
REFERENCE_DAYS = 7  # the legal reference: the lowest price of the 7 days before the promotion
_PERCENT = Decimal("0.1")


@dataclass(frozen=True)
class FakeDiscount:
    """A sale whose price was raised beforehand; percentages are of the normal price."""

    event_key: str
    event_date: date
    normal_price: Decimal
    raised_to: Decimal
    raised_on: date
    raise_pct: Decimal  # how far the price was raised above normal, in percent
    sale_price: Decimal | None  # None: the sale has not happened yet in the history
    real_change_pct: Decimal | None  # sale price vs normal, percent (>= -1: no real discount)
    reference_price: Decimal  # lowest price of the 7 days before the sale started
    claimed_discount_pct: Decimal | None  # what a "vs the 7-day reference" label shows
    hidden_by_7_day_rule: bool  # raised before the 7-day window: legal, still misleading
    explanation: str
    explanation_zh: str


def detect_fake_discount(series: PriceSeries, occ: Occurrence) -> FakeDiscount | None:
    """The fake discount of one sale, or None when the history shows an honest one (or
    cannot tell: too little history before the sale)."""
    start = occ.sale_start
    raise_from = start - timedelta(days=RAISE_WINDOW_DAYS)
    normal_prices = series.between(
        raise_from - timedelta(days=NORMAL_WINDOW_DAYS), raise_from - timedelta(days=1)
    )
    before = _dated(series, raise_from, start - timedelta(days=1))
    if len(normal_prices) < MIN_NORMAL_OBSERVATIONS or not before:
        return None
    normal = Decimal(median(normal_prices))
    raised_on, raised_to = max(before, key=lambda pair: (pair[1], -pair[0].toordinal()))
    if raised_to < normal * RAISE_THRESHOLD:
        return None
    sale = series.price_on(occ.day, stale_days=1) if occ.day <= series.last_day else None
    if sale is not None and (
        sale < normal * NOT_BELOW_TOLERANCE or sale * RAISE_THRESHOLD > raised_to
    ):
        return None  # a real discount, or no "discount" from the raised price at all
    reference_days = [p for d, p in before if d >= start - timedelta(days=REFERENCE_DAYS)]
    reference = min(reference_days) if reference_days else raised_to
    return _report(occ, normal, raised_to, raised_on, sale, reference)


def fake_discounts(series: PriceSeries, occurrences: list[Occurrence]) -> list[FakeDiscount]:
    """Every fake discount among the sales in `occurrences` the history covers."""
    found = []
    for occ in occurrences:
        if series.first_day <= occ.day <= series.last_day + timedelta(days=RAISE_WINDOW_DAYS):
            result = detect_fake_discount(series, occ)
            if result is not None:
                found.append(result)
    return found


def _dated(series: PriceSeries, start: date, end: date) -> list[tuple[date, Decimal]]:
    return [(d, p) for d, p in zip(series.days, series.prices, strict=True) if start <= d <= end]


def _pct(value: Decimal, base: Decimal) -> Decimal:
    return ((value - base) / base * 100).quantize(_PERCENT, rounding=ROUND_HALF_EVEN)


def _report(
    occ: Occurrence,
    normal: Decimal,
    raised_to: Decimal,
    raised_on: date,
    sale: Decimal | None,
    reference: Decimal,
) -> FakeDiscount:
    raise_pct = _pct(raised_to, normal)
    real = _pct(sale, normal) if sale is not None else None
    claimed = -_pct(sale, reference) if sale is not None else None
    hidden = reference >= normal * RAISE_THRESHOLD
    normal_text = normal.quantize(Decimal("0.01"))
    if sale is None:
        english = (
            f"Raised {raise_pct}% above its normal {normal_text} (to {raised_to} on {raised_on}) "
            f"ahead of {occ.name_en}: a 'discount' from {raised_to} would be no discount."
        )
        chinese = (
            f"{occ.name_zh}前已涨价{raise_pct}%（常态价 {normal_text}，{raised_on} 涨至 "
            f"{raised_to}）：以涨后价计算的折扣并非真实优惠。"
        )
    else:
        english = (
            f"Fake discount on {occ.name_en}: raised {raise_pct}% to {raised_to} on {raised_on}, "
            f"then sold at {sale}, {real:+}% against the normal {normal_text}."
        )
        chinese = (
            f"{occ.name_zh}先涨后降：{raised_on} 涨价{raise_pct}%至 {raised_to}，大促价 {sale}，"
            f"相对常态价 {normal_text} 变化 {real:+}%。"
        )
        if claimed is not None and claimed > 0:
            english += f" Against the 7-day low {reference} it shows as {claimed}% off."
            chinese += f"按7日最低价 {reference} 计显示优惠 {claimed}%。"
    if hidden:
        english += " The raise predates the 7-day reference window, so the label is legal."
        chinese += "涨价早于7日参考期，标注合规但具误导性。"
    return FakeDiscount(
        event_key=occ.key,
        event_date=occ.day,
        normal_price=normal_text,
        raised_to=raised_to,
        raised_on=raised_on,
        raise_pct=raise_pct,
        sale_price=sale,
        real_change_pct=real,
        reference_price=reference,
        claimed_discount_pct=claimed,
        hidden_by_7_day_rule=hidden,
        explanation=english,
        explanation_zh=chinese,
    )
