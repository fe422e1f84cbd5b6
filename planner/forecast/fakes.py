"""Fake discounts (先涨后降): raise the price in the weeks before a sale, then "cut" it.

A flag that fires on every 3% wobble before a sale teaches shoppers to ignore it. So the
rule is the one shoppers and regulators use: the struck "original" price of a promotion
must not exceed the lowest price of the 7 days before the promotion starts (China's
pricing rule). A raise-then-cut is flagged only when both hold:

- raised: the highest price of the 30 days before the sale starts (the price a label
  would strike out) is at least 3% above that 7-day reference, i.e. the raise falls
  inside the reference window and the struck price breaks the rule, *and* at least 3%
  above the normal price (median of the 60 days before the 30-day window): an everyday
  price that the shop lowered into a presale dip was not raised first (先涨), so the
  shop's own pre-sale cut is not evidence of a fake one;
- no better: the sale-day price is not below the reference (1% tolerance), so the
  "discount" against the struck price is none against the legal reference.

A raise made earlier than the window sets its own reference and is not flagged; a cut
below the reference is a real discount. For a sale the history has not reached, a raise
inside the window is reported alone. Every result carries its evidence: the reference,
its window, the struck price and its day, the sale price, and the normal price (median
of the 60 days before the 30-day window) for context.
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
    raise_pct: Decimal  # how far the struck price stands above the 7-day reference, percent
    sale_price: Decimal | None  # None: the sale has not happened yet in the history
    real_change_pct: Decimal | None  # sale price vs the reference, percent (>= -1: no discount)
    reference_price: Decimal  # lowest price of the 7 days before the sale started
    reference_from: date  # the reference window: the 7 days before the sale starts
    reference_to: date
    claimed_discount_pct: Decimal | None  # what a label striking out `raised_to` shows
    explanation: str
    explanation_zh: str


def detect_fake_discount(series: PriceSeries, occ: Occurrence) -> FakeDiscount | None:
    """The fake discount of one sale, or None when the history shows an honest one (or
    cannot tell: no price in the 7 days before the promotion)."""
    start = occ.sale_start
    raise_from = start - timedelta(days=RAISE_WINDOW_DAYS)
    normal_prices = series.between(
        raise_from - timedelta(days=NORMAL_WINDOW_DAYS), raise_from - timedelta(days=1)
    )
    before = _dated(series, raise_from, start - timedelta(days=1))
    reference_days = [p for d, p in before if d >= start - timedelta(days=REFERENCE_DAYS)]
    if len(normal_prices) < MIN_NORMAL_OBSERVATIONS or not reference_days:
        return None
    reference = min(reference_days)
    raised_on, raised_to = max(before, key=lambda pair: (pair[1], -pair[0].toordinal()))
    normal = Decimal(median(normal_prices))
    if raised_to < reference * RAISE_THRESHOLD or raised_to < normal * RAISE_THRESHOLD:
        return None  # the struck price would not exceed the reference, or was never raised
    sale = series.price_on(occ.day, stale_days=1) if occ.day <= series.last_day else None
    if sale is not None and (
        sale < reference * NOT_BELOW_TOLERANCE or sale * RAISE_THRESHOLD > raised_to
    ):
        return None  # a real discount on the reference, or no "discount" at all
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
    raise_pct = _pct(raised_to, reference)
    real = _pct(sale, reference) if sale is not None else None
    claimed = -_pct(sale, raised_to) if sale is not None else None
    ref_to = occ.sale_start - timedelta(days=1)
    ref_from = occ.sale_start - timedelta(days=REFERENCE_DAYS)
    window = f"{ref_from}..{ref_to}"
    if sale is None:
        english = (
            f"Raised to {raised_to} on {raised_on}, {raise_pct}% above {reference}, the lowest"
            f" price of the 7 days before {occ.name_en} ({window}): a 'discount' struck from"
            f" {raised_to} would break the 7-day rule."
        )
        chinese = (
            f"{occ.name_zh}前7日（{window}）最低价 {reference}，{raised_on} 涨至 {raised_to}"
            f"（+{raise_pct}%）：以此划线的折扣违反7日最低价规则。"
        )
    else:
        english = (
            f"Fake discount on {occ.name_en}: struck price {raised_to} (raised on {raised_on})"
            f" shows {claimed}% off, but the sale price {sale} is {real:+}% against {reference},"
            f" the lowest price of the 7 days before the sale ({window})."
        )
        chinese = (
            f"{occ.name_zh}先涨后降：划线价 {raised_to}（{raised_on} 涨价）显示优惠 {claimed}%，"
            f"但大促价 {sale} 相对前7日（{window}）最低价 {reference} 变化 {real:+}%。"
        )
    return FakeDiscount(
        event_key=occ.key,
        event_date=occ.day,
        normal_price=normal.quantize(Decimal("0.01")),
        raised_to=raised_to,
        raised_on=raised_on,
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
