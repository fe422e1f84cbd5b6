"""Read prices out of text the way shoppers read them, in any locale.

price-parser finds the number, but silently drops the words that change its meaning: `起`
("from"), `券后价` (after coupon), and the second half of a range. This module keeps those,
and it reads separators with the currency in mind: `$2.449` on an Argentine page is 2449,
`1.299,00 €` is 1299.00, `299.000₫` is 299000, and `1'299.00` (Swiss) is 1299.00. A number
that could mean two things in its currency is refused rather than guessed.

Machine values (JSON-LD, microdata `content`, page-state JSON) always use a dot decimal and
go through `parse_machine_amount` instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tracker.extract.currency import currency_in_text

__all__ = ["MAX_PRICE", "PriceText", "parse_machine_amount", "parse_price_text", "plausible"]

# Currencies whose shops write "1.299" for one thousand two hundred and ninety-nine.
_DOT_THOUSANDS_TEXT = """
ARS BRL CLP COP UYU PYG VND IDR EUR DKK ISK NOK TRY HRK RSD BAM MKD ALL RON BGN CZK HUF
PLN RUB UAH SEK
"""
DOT_THOUSANDS = frozenset(_DOT_THOUSANDS_TEXT.split())
# Currencies with three minor digits, where "1.299" really is one and a bit.
THREE_DECIMALS = frozenset({"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"})

_FROM_WORDS = re.compile(
    r"起|最低|低至|(?<![a-z])(from|starting at|as low as|ab|à partir de|a partir de|desde|od|"
    r"alkaen|från|fra|vanaf|от)(?![a-z])",
    re.IGNORECASE,
)
_COUPON_WORDS = re.compile(r"券后|券後|到手价|到手價|coupon price", re.IGNORECASE)
_NUMBER = re.compile(
    r"\d{1,3}(?:[ \u00a0\u202f\u2009'’]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d(?:[\d.,]*\d)?"
)
_RANGE_SEP = re.compile(r"^\s*(?:-|–|—|~|〜|～|to|bis|至|a|до)\s*$", re.IGNORECASE)
_MAX_TEXT = 120
_MAGNITUDES = {
    "百": Decimal(100),
    "千": Decimal(1000),
    "仟": Decimal(1000),
    "万": Decimal(10000),
    "萬": Decimal(10000),
    "亿": Decimal(10**8),
    "億": Decimal(10**8),
}
_NEGATIVE = re.compile(r"[-−–]\s*\W{0,3}\s*$")
# An amount alone in parentheses is an accountant's negative ("(¥99)"), a refund or a
# credit, never the price of a product.
_ACCOUNTING = re.compile(r"^\(\s*[^\d()]{0,4}\s*\d[\d.,\s]*[^\d()]{0,4}\)$")
_MACHINE = re.compile(r"^(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$")
_GROUP_SPACE = re.compile(r"[ \u00a0\u202f\u2009'’]")
_NOT_SEPARATOR = re.compile(r"[^\w\s\-–—~〜～至]")


@dataclass(frozen=True, slots=True)
class PriceText:
    """A price read from text: the amount (the low end of a range) and what qualifies it."""

    amount: Decimal
    currency: str | None
    is_from: bool = False
    high: Decimal | None = None
    after_coupon: bool = False


def parse_machine_amount(value: object) -> Decimal | None:
    """A Decimal from a machine-written price (`"19.5"`, `2449`, `"67.8400"`), else None.

    Only a plain dot-decimal number (optionally with comma thousands, `"1,149.00"`) is a
    machine value; anything else (`"1.149,00"`, `"€5"`) is left to `parse_price_text`.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, str) and _MACHINE.match(value.strip()):
        text = value.strip().replace(",", "")
    else:
        return None
    if len(text) > 40:
        return None  # a 5000-digit "price" is not read, let alone stored
    return plausible(_to_decimal(text))


MAX_PRICE = Decimal(10) ** 12
"""No listing costs a trillion; the store keeps amounts below about 9 * 10^14."""

MAX_DECIMALS = 4
"""Prices have at most four decimals (0.0001 units), as the store keeps them."""


def plausible(amount: Decimal | None) -> Decimal | None:
    """`amount` when it can be a price: positive, finite, below MAX_PRICE, at most four
    decimals. `1E-7`, `-5.00` and `1E+400` are no price, never a wrong one."""
    if amount is None or not amount.is_finite() or amount <= 0 or amount >= MAX_PRICE:
        return None
    exponent = amount.normalize().as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -MAX_DECIMALS:
        return None
    return amount


def parse_price_text(text: str, hint: str | None = None) -> PriceText | None:
    """The price a short visible text states, or None if it states none or is ambiguous.

    A text with several numbers that are not the two ends of a range (`-50% 270,00 Kn`,
    `1-10 days 100.00€`) states no single price, so it gives None.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if not text or len(text) > _MAX_TEXT:
        return None
    currency = currency_in_text(text, hint)
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return None
    amounts = [_read_number(m.group(0).strip(), currency or hint) for m in numbers]
    amounts = [
        plausible(_magnitude(a, text[m.end() : m.end() + 3]))
        for a, m in zip(amounts, numbers, strict=True)
    ]
    low = amounts[0]
    if low is None or low <= 0 or _NEGATIVE.search(text[: numbers[0].start()]):
        return None  # "-5" is a discount or a refund, never a price
    if _ACCOUNTING.match(text):
        return None
    high = None
    if len(numbers) == 2 and amounts[1] is not None:
        between = text[numbers[0].end() : numbers[1].start()]
        between = _NOT_SEPARATOR.sub("", between)  # drop currency marks
        if _RANGE_SEP.match(between) and amounts[1] > low:
            high = amounts[1]
    if len(numbers) > 1 and high is None:
        return None  # several amounts and no range between them: not one price
    return PriceText(
        amount=low,
        currency=currency,
        is_from=high is not None or bool(_FROM_WORDS.search(text)),
        high=high,
        after_coupon=bool(_COUPON_WORDS.search(text)),
    )


_YUAN_WORDS = "元块圆円"


def _magnitude(number: Decimal | None, after: str) -> Decimal | None:
    """A number times the Chinese magnitudes after it (1.2万 = 12000, 3千万 = 3 * 10^7);
    None when unreadable.

    `1.2w` (a shorthand for 万) and `1.2k` are refused: the same letters follow sizes and
    model numbers, so they are not read as magnitudes and not read as prices either.
    """
    if number is None or not after:
        return number
    after = after.lstrip(" ")
    units = 0
    while units < len(after) and after[units] in _MAGNITUDES:
        number *= _MAGNITUDES[after[units]]
        units += 1
    if units:
        return number.quantize(Decimal(1)) if number == number.to_integral_value() else number
    follower = after[1:2]  # "12k", "12K元" are refused; "299 Kč", "99 kr" are currencies
    if after[:1] in ("w", "W", "k", "K") and (not follower.isalpha() or follower in _YUAN_WORDS):
        return None
    return number


def _read_number(token: str, currency: str | None) -> Decimal | None:
    """One number token with locale separators resolved, or None when it is ambiguous."""
    token = _GROUP_SPACE.sub("", token)
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        decimal_sep = "." if token.rfind(".") > token.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        return _assemble(token, thousands, decimal_sep)
    sep = "." if dots else "," if commas else ""
    if not sep:
        return _to_decimal(token)
    if token.count(sep) > 1:
        return _assemble(token, sep, None)
    tail = token.rsplit(sep, 1)[1]
    if len(tail) != 3:
        return _to_decimal(token.replace(sep, ".")) if len(tail) <= 2 else None
    # Exactly three digits after one separator: thousands, unless the currency says not.
    if currency in THREE_DECIMALS:
        return _to_decimal(token.replace(sep, "."))
    if sep == "," or currency in DOT_THOUSANDS:
        return _to_decimal(token.replace(sep, ""))
    return None


def _assemble(token: str, thousands: str, decimal_sep: str | None) -> Decimal | None:
    whole, _, frac = token.partition(decimal_sep) if decimal_sep else (token, "", "")
    groups = whole.split(thousands)
    if any(len(g) != 3 for g in groups[1:]) or not groups[0] or len(groups[0]) > 3:
        return None
    if decimal_sep and (thousands in frac or decimal_sep in frac):
        return None
    return _to_decimal("".join(groups) + ("." + frac if frac else ""))


def _to_decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
