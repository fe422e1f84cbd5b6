"""Field-by-field validation of a parsed cart, each error pointing at its file and line.

`FieldReader` wraps one TOML table with its path (`item[2].offer[1]`) and turns every
bad value into a `CartError` whose one line names the file, the line and the field.
Offers are read here, promotions in `planner.cart_promotions`, the cart and items in
`planner.cart_file`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from planner.cart import (
    InstantOff,
    Multibuy,
    Offer,
    Presale,
)
from planner.errors import CartError
from planner.money import parse_money, parse_rate
from planner.multibuy import multibuy_from
from planner.toml_lines import KeyLines

__all__ = ["FieldReader", "offer_from"]

_OFFER_KEYS = {
    "platform", "shop", "price", "list_price", "presale", "instant_off", "multibuy",
    "cross_store", "subsidy", "energy_grade", "shipping", "limit", "url",
}  # fmt: skip
_PRESALE_KEYS = {
    "deposit", "worth", "reduction", "deposit_at", "balance_from", "balance_until", "refundable",
}  # fmt: skip
MAX_COUNT = 100_000
"""The largest quantity or limit a cart may state: beyond it the optimiser's integers
lose meaning and the plan would fail with a misleading "no plan satisfies the limits"."""


class FieldReader:
    """One TOML table of a cart, read with errors that name file, line and field."""

    def __init__(self, data: Mapping[str, Any], path: tuple[str | int, ...], lines: KeyLines,
                 source: str) -> None:  # fmt: skip
        self.data = data
        self.path = path
        self._lines = lines
        self._source = source

    def at(self, key: str, index: int) -> FieldReader:
        """The reader of the `index`-th table in the array `key`."""
        return FieldReader(
            self.data[key][index], (*self.path, key, index), self._lines, self._source
        )

    def field_error(
        self, key: str | None, problem: str, hint: str = "", *, zh: tuple[str, str]
    ) -> CartError:
        """A CartError for `key` of this table: `file:line: field: problem`, with the
        problem and the hint also in Chinese (`zh`)."""
        path = self.path if key is None else (*self.path, key)
        where = f"{self._source}:{self._lines.line_of(path)}: {_dotted(path) or 'cart'}"
        problem_zh, hint_zh = zh
        return CartError(f"{where}: {problem}", hint, zh=(f"{where}：{problem_zh}", hint_zh))

    def only(self, allowed: Iterable[str]) -> None:
        """Reject keys that are not in `allowed` (a misspelt key must not pass silently)."""
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                raise self.field_error(
                    key,
                    f"unknown field {key!r}",
                    f"use one of {', '.join(sorted(allowed))}",
                    zh=(f"未知的字段 {key!r}", f"可用：{', '.join(sorted(allowed))}"),
                )

    def _get(self, key: str, optional: bool, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if optional or default is not None:
            return default
        raise self.field_error(
            None,
            f"missing field {key!r}",
            f"add {key} = ...",
            zh=(f"缺少字段 {key!r}", f"加上 {key} = ..."),
        )

    def text(self, key: str, *, optional: bool = False, default: str | None = None) -> Any:
        """A string field."""
        value = self._get(key, optional, default)
        if value is not None and not isinstance(value, str):
            raise self.field_error(
                key,
                f"{value!r} is not text",
                f'write {key} = "..."',
                zh=(f"{value!r} 不是文字", f'写成 {key} = "..."'),
            )
        if isinstance(value, str) and not value.strip() and key in self.data:
            raise self.field_error(
                key,
                "is empty",
                f"give {key} a value or remove it",
                zh=("为空", f"给 {key} 一个值，或删除它"),
            )
        return value

    def money(self, key: str, *, optional: bool = False, default: str | None = None) -> Any:
        """An amount of money written as a string (`"89.90"`)."""
        value = self._get(key, optional, default)
        if value is None:
            return None
        try:
            amount = parse_money(value, key)
        except ValueError as exc:
            raise self.field_error(
                key, str(exc), zh=(f"{value!r} 不是金额", '写成 "89.90" 这样的字符串')
            ) from None
        if amount != amount.quantize(Decimal("0.01")):
            raise self.field_error(
                key,
                f"{value!r} has more than two decimal places",
                "round to the cent",
                zh=(f"{value!r} 超过两位小数", "四舍五入到分"),
            )
        return amount

    def rate(self, key: str) -> Decimal:
        """A rate: `"0.95"`, `"95%"`, `"95折"`."""
        try:
            return parse_rate(self._get(key, False, None), key)
        except ValueError as exc:
            raise self.field_error(
                key, str(exc), zh=("不是有效的折扣率", '写成 "15%"、"0.95" 或 "95折"')
            ) from None

    def integer(self, key: str, *, default: int | None = None, minimum: int = 0,
                optional: bool = False) -> Any:  # fmt: skip
        """A whole number from `minimum` to MAX_COUNT (a quantity, a limit, a grade)."""
        value = self._get(key, optional, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.field_error(
                key,
                f"{value!r} is not a whole number >= {minimum}",
                zh=(f"{value!r} 不是不小于 {minimum} 的整数", ""),
            )
        if value > MAX_COUNT:
            raise self.field_error(
                key,
                f"{value} is more than {MAX_COUNT:,}",
                "nobody buys that many of one item",
                zh=(f"{value} 超过 {MAX_COUNT:,}", "没有人会买这么多同一件商品"),
            )
        return value

    def flag(self, key: str) -> bool:
        """A boolean, false when absent."""
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.field_error(
                key, f"{value!r} is not true or false", zh=(f"{value!r} 不是 true 或 false", "")
            )
        return value

    def strings(self, key: str) -> list[str]:
        """A list of strings, empty when absent."""
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.field_error(
                key,
                f"{value!r} is not a list of strings",
                f'write {key} = ["..."]',
                zh=(f"{value!r} 不是字符串列表", f'写成 {key} = ["..."]'),
            )
        return value

    def day(self, key: str, *, optional: bool = False) -> Any:
        """A date, as a TOML date or `"YYYY-MM-DD"`."""
        value = self._get(key, optional, None)
        if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.field_error(
                key,
                f"{value!r} is not a date",
                "write YYYY-MM-DD",
                zh=(f"{value!r} 不是日期", "写成 YYYY-MM-DD"),
            ) from None

    def moment(self, key: str, *, optional: bool = False) -> Any:
        """A date and time (`"2025-10-31T20:00"`); a bare date means its midnight."""
        value = self._get(key, optional, None)
        if value is None or isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            raise self.field_error(
                key,
                f"{value!r} is not a date and time",
                "write YYYY-MM-DDTHH:MM",
                zh=(f"{value!r} 不是日期时间", "写成 YYYY-MM-DDTHH:MM"),
            ) from None

    def tables(self, key: str, *, required: bool = False) -> Iterator[FieldReader]:
        """Readers for each table of the array of tables `key`."""
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.field_error(
                    None,
                    f"no [[{_dotted((*self.path, key))}]] given",
                    f"add at least one {key}",
                    zh=(f"没有给出 [[{_dotted((*self.path, key))}]]", f"至少加一个 {key}"),
                )
            return
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.field_error(
                key,
                "must be an array of tables",
                f"write [[{key}]] sections",
                zh=("必须是表数组", f"写成 [[{key}]] 小节"),
            )
        for index in range(len(value)):
            yield self.at(key, index)

    def table(self, key: str) -> FieldReader | None:
        """A reader for the (inline) table `key`, or None when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.field_error(
                key,
                f"{value!r} is not a table",
                f"write {key} = {{ ... }}",
                zh=(f"{value!r} 不是表", f"写成 {key} = {{ ... }}"),
            )
        return FieldReader(value, (*self.path, key), self._lines, self._source)


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def offer_from(reader: FieldReader) -> Offer:
    """One `[[item.offer]]` table."""
    reader.only(_OFFER_KEYS)
    price = reader.money("price")
    presale = reader.table("presale")
    grade = reader.integer("energy_grade", optional=True, minimum=1)
    return Offer(
        platform=reader.text("platform").strip().lower(),
        shop=reader.text("shop", default=""),
        price=price,
        list_price=reader.money("list_price", optional=True),
        presale=_presale(presale, price) if presale is not None else None,
        instant_off=_instant_off(reader),
        multibuy=_multibuy(reader),
        cross_store=reader.flag("cross_store"),
        subsidy=reader.text("subsidy", optional=True),
        energy_grade=grade,
        shipping=reader.money("shipping", default="0"),
        limit=reader.integer("limit", optional=True, minimum=1),
        url=reader.text("url", optional=True),
    )


def _presale(reader: FieldReader, price: Decimal) -> Presale:
    reader.only(_PRESALE_KEYS)
    deposit = reader.money("deposit")
    worth = reader.money("worth", optional=True)
    reduction = reader.money("reduction", optional=True)
    if worth is not None and reduction is not None:
        raise reader.field_error(
            "reduction",
            "give worth (膨胀) or reduction (付定立减), not both",
            zh=("膨胀（worth）和付定立减（reduction）只能给一个", ""),
        )
    if worth is not None and worth < deposit:
        raise reader.field_error(
            "worth",
            f"worth {worth} is less than the deposit {deposit}",
            zh=(f"膨胀金额 {worth} 小于定金 {deposit}", ""),
        )
    if deposit > price:
        raise reader.field_error(
            "deposit",
            f"deposit {deposit} is more than the price {price}",
            zh=(f"定金 {deposit} 高于价格 {price}", ""),
        )
    balance_from = reader.moment("balance_from")
    balance_until = reader.moment("balance_until", optional=True)
    if balance_until is not None and balance_until < balance_from:
        raise reader.field_error(
            "balance_until",
            "the balance window ends before it starts",
            zh=("尾款时段的结束早于开始", ""),
        )
    return Presale(
        deposit=deposit,
        deposit_at=reader.day("deposit_at"),
        balance_from=balance_from,
        balance_until=balance_until,
        worth=worth,
        reduction=reduction,
        refundable=reader.flag("refundable"),
    )


def _instant_off(reader: FieldReader) -> InstantOff | None:
    text = reader.text("instant_off", optional=True)
    if text is None:
        return None
    try:
        if text.strip().endswith("%"):
            return InstantOff(text, rate=parse_rate(text, "instant_off"))
        return InstantOff(text, amount=parse_money(text, "instant_off"))
    except ValueError as exc:
        raise reader.field_error(
            "instant_off",
            str(exc),
            'write "15%" or "20"',
            zh=(f"{text!r} 不是有效的立减", '写成 "15%" 或 "20"'),
        ) from None


def _multibuy(reader: FieldReader) -> Multibuy | None:
    text = reader.text("multibuy", optional=True)
    if text is None:
        return None
    parsed = multibuy_from(text)
    if parsed is None:
        raise reader.field_error(
            "multibuy",
            f"{text!r} is not a multi-buy",
            'write "2nd-half", "3for2" or "2@0.9"',
            zh=(f"{text!r} 不是多件优惠", '写成 "2nd-half"、"3for2" 或 "2@0.9"'),
        )
    return parsed
