"""Price histories: the series type the forecaster works on, and the CSV reader.

A history is what a listing cost on the days someone looked. Real histories have gaps
(nobody checked, or bad snapshots were dropped), so the series keeps only observed days
and `price_on` answers "what did it cost on day D" with the last price seen on or before
D, within a staleness limit: a price from months ago says nothing about today.

The CSV layout is `series,date,price,currency` (several listings in one file) or
`date,price` (one listing). Prices stay `Decimal`; a bad row is a `HistoryImportError`
naming the file and the line, because a silently skipped row is a silently wrong forecast.
"""

from __future__ import annotations

import bisect
import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from planner.causes import cause_words
from planner.errors import HistoryImportError

DEFAULT_SERIES = "series"
STALE_DAYS = 7


@dataclass(frozen=True)
class PriceSeries:
    """One listing's observed daily prices, oldest first, one price per day."""

    name: str
    currency: str | None
    days: tuple[date, ...]
    prices: tuple[Decimal, ...]
    platform: str | None = None
    _ordinals: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.days) != len(self.prices):
            raise ValueError("days and prices differ in length")
        object.__setattr__(self, "_ordinals", tuple(d.toordinal() for d in self.days))

    @property
    def first_day(self) -> date:
        return self.days[0]

    @property
    def last_day(self) -> date:
        return self.days[-1]

    @property
    def last_price(self) -> Decimal:
        return self.prices[-1]

    @property
    def history_days(self) -> int:
        """Calendar days covered, first observation to last, inclusive."""
        return (self.last_day - self.first_day).days + 1 if self.days else 0

    def until(self, day: date) -> PriceSeries:
        """The history as it was known at the end of `day`."""
        cut = bisect.bisect_right(self._ordinals, day.toordinal())
        return PriceSeries(
            self.name, self.currency, self.days[:cut], self.prices[:cut], self.platform
        )

    def price_on(self, day: date, stale_days: int = STALE_DAYS) -> Decimal | None:
        """The last price seen on or before `day`, or None if none within `stale_days`."""
        index = bisect.bisect_right(self._ordinals, day.toordinal()) - 1
        if index < 0 or day.toordinal() - self._ordinals[index] > stale_days:
            return None
        return self.prices[index]

    def between(self, start: date, end: date) -> list[Decimal]:
        """The prices observed from `start` to `end`, inclusive."""
        lo = bisect.bisect_left(self._ordinals, start.toordinal())
        hi = bisect.bisect_right(self._ordinals, end.toordinal())
        return list(self.prices[lo:hi])


def series_from_points(
    name: str,
    points: list[tuple[date, Decimal]],
    currency: str | None = None,
    platform: str | None = None,
) -> PriceSeries:
    """A series from (day, price) points in any order; the last point of a day wins."""
    by_day: dict[date, Decimal] = {}
    for day, price in sorted(points, key=lambda p: p[0]):
        by_day[day] = price
    days = tuple(sorted(by_day))
    return PriceSeries(name, currency, days, tuple(by_day[d] for d in days), platform)


def read_history_csv(path: Path, known_platforms: set[str] | None = None) -> dict[str, PriceSeries]:
    """Every series in a history CSV, by name; `HistoryImportError` on any bad row.

    A series' platform is the first dash-separated word of its name when that word is a
    platform in `known_platforms` (e.g. `shopee-br-123` is on Shopee).
    """
    points: dict[str, list[tuple[date, Decimal]]] = {}
    currencies: dict[str, str | None] = {}
    for line, name, day, price, currency in _rows(path):
        points.setdefault(name, []).append((day, price))
        seen = currencies.setdefault(name, currency)
        if currency and seen and seen != currency:
            raise HistoryImportError(
                f"{path}, line {line}: series {name!r} changes currency from {seen} to {currency}",
                "keep one currency per series",
                zh=(
                    f"{path} 第 {line} 行：序列 {name!r} 的币种从 {seen} 变成了 {currency}",
                    "每个序列只用一种币种",
                ),
            )
    platforms = known_platforms or set()
    return {
        name: series_from_points(name, pts, currencies[name], _platform_of(name, platforms))
        for name, pts in points.items()
    }


def _platform_of(name: str, platforms: set[str]) -> str | None:
    word = name.split("-", 1)[0].lower()
    return word if word in platforms else None


def _rows(path: Path) -> Iterator[tuple[int, str, date, Decimal, str | None]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise HistoryImportError(
            f"cannot read history file {path}: {exc.strerror}",
            "check the path",
            zh=(f"无法读取历史文件 {path}：{cause_words(exc)[1]}", "检查路径"),
        ) from exc
    with handle:
        reader = csv.reader(handle)
        header = [h.strip().lower() for h in next(reader, [])]
        if not header:
            raise HistoryImportError(
                f"{path} is empty",
                "give a header: series,date,price,currency",
                zh=(f"{path} 是空文件", "给出表头：series,date,price,currency"),
            )
        columns = _columns(path, header)
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield _parse_row(path, reader.line_num, row, columns)


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    missing = {"date", "price"} - set(header)
    if missing:
        raise HistoryImportError(
            f"{path}, line 1: header lacks {', '.join(sorted(missing))}",
            "use the header series,date,price,currency (or date,price for one series)",
            zh=(
                f"{path} 第 1 行：表头缺少 {', '.join(sorted(missing))}",
                "表头用 series,date,price,currency（单个序列可用 date,price）",
            ),
        )
    return {
        name: header.index(name)
        for name in ("series", "date", "price", "currency")
        if name in header
    }


def _parse_row(
    path: Path, line: int, row: list[str], columns: dict[str, int]
) -> tuple[int, str, date, Decimal, str | None]:
    def cell(name: str) -> str:
        index = columns.get(name)
        if index is None:
            return ""
        if index >= len(row):
            raise HistoryImportError(
                f"{path}, line {line}: no {name} column",
                "fill every column",
                zh=(f"{path} 第 {line} 行：缺少 {name} 列", "填满每一列"),
            )
        return row[index].strip()

    name = cell("series") if "series" in columns else DEFAULT_SERIES
    if not name:
        raise HistoryImportError(
            f"{path}, line {line}: empty series name",
            "name every row's series",
            zh=(f"{path} 第 {line} 行：序列名为空", "为每一行填写序列名"),
        )
    try:
        day = date.fromisoformat(cell("date"))
    except ValueError as exc:
        raise HistoryImportError(
            f"{path}, line {line}: date {cell('date')!r} is not YYYY-MM-DD",
            "fix the date",
            zh=(f"{path} 第 {line} 行：日期 {cell('date')!r} 不是 YYYY-MM-DD", "修正日期"),
        ) from exc
    text = cell("price")
    try:
        price = Decimal(text)
    except InvalidOperation as exc:
        raise HistoryImportError(
            f"{path}, line {line}: price {text!r} is not a number",
            "write prices like 199.90",
            zh=(f"{path} 第 {line} 行：价格 {text!r} 不是数字", "价格写成 199.90 这样"),
        ) from exc
    if not price.is_finite() or price <= 0:
        raise HistoryImportError(
            f"{path}, line {line}: price {text!r} is not a positive amount",
            "fix or drop the row",
            zh=(f"{path} 第 {line} 行：价格 {text!r} 不是正数金额", "修正或删除该行"),
        )
    currency = cell("currency").upper() or None
    if currency is not None and (len(currency) != 3 or not currency.isalpha()):
        raise HistoryImportError(
            f"{path}, line {line}: currency {currency!r} is not an ISO code",
            "use e.g. CNY, BRL",
            zh=(f"{path} 第 {line} 行：币种 {currency!r} 不是 ISO 代码", "例如 CNY、BRL"),
        )
    return line, name, day, price, currency
