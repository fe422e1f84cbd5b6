"""Exact money: parsing, writing, half-up rounding to the cent, and fair allocation.

Every amount in the planner is a `Decimal`. Rounding happens only where a platform rounds
(and is then half-up, as the platforms and the tax rules do); anything shown is quantized
to the cent. This is the one place that reads amounts typed by people (`parse_money`,
`read_amount`) and writes them for people (`format_money`, with the one table of currency
symbols); extraction from shop pages has its own, stricter reader (`tracker.extract`).
Allocation of an order-level discount over items uses the largest-remainder
method in cents, so the shares always sum exactly to the discount, the way the platforms
split a discount for refunds.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
MAX_MONEY = Decimal(10) ** 12
"""No price or budget reaches a trillion; a larger one is a typo or an attack, and would
overflow the cent arithmetic (`1e400` cannot even be rounded to the cent)."""
MAX_PLACES = 4
ZERO = Decimal("0")
#: How daoshou writes a currency; a currency not listed is written as its code after the
#: amount (`12.50 SGD`).
CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}
_TYPED_SIGNS = ("¥", "￥", "元", "CNY", "RMB", "$")

__all__ = [
    "CENT",
    "CURRENCY_SYMBOLS",
    "ZERO",
    "allocate",
    "cents",
    "format_money",
    "parse_money",
    "parse_rate",
    "read_amount",
    "round_half_up",
]


def round_half_up(value: Decimal, step: Decimal) -> Decimal:
    """Round `value` half-up to a multiple of `step` (a power of ten such as 1, 0.1, 0.01)."""
    return value.quantize(step, rounding=ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    """Round half-up to the cent: how every shown amount is rounded."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text: str | int | Decimal, what: str = "amount") -> Decimal:
    """Read an amount such as ``"89.90"``, ``"¥1,299"`` or ``12``; raise ValueError if not one.

    Floats are refused: a binary float cannot carry an exact price, and a cart that writes
    ``price = 89.9`` instead of ``"89.90"`` should be corrected, not silently rounded.
    """
    if isinstance(text, bool | float):
        raise ValueError(f'{what} must be written as a string such as "89.90", not {text!r}')
    value = text if isinstance(text, Decimal) else read_amount(str(text))
    if value is None:
        raise ValueError(f'{what} {text!r} is not an amount of money (write e.g. "89.90")')
    if not value.is_finite():
        raise ValueError(f"{what} {text!r} is not a finite amount")
    if value < 0:
        raise ValueError(f"{what} {text!r} is negative")
    if value >= MAX_MONEY or value.as_tuple().exponent < -MAX_PLACES:  # type: ignore[operator]
        raise ValueError(
            f"{what} {str(text)[:40]!r} is not an amount daoshou plans with "
            f"(below {MAX_MONEY:,} and at most {MAX_PLACES} decimals)"
        )
    return value


def read_amount(text: str) -> Decimal | None:
    """The signed amount a person typed (`"89.90"`, `"¥1,299"`, `"59.90元"`), or None when
    the text is not an amount; callers decide which signs they accept."""
    cleaned = text.strip().replace(",", "").replace("，", "")
    for sign in _TYPED_SIGNS:
        cleaned = cleaned.replace(sign, "")
    try:
        return Decimal(cleaned.strip())
    except InvalidOperation:
        return None


def format_money(
    amount: Decimal, currency: str | None, *, places: Decimal | None = None, grouped: bool = False
) -> str:
    """`¥59.90`, `-$5.00`, `12.50 SGD`: the amount as people read it.

    Without `places`, two decimals unless the amount needs more (messages never hide a
    fraction of a cent); with `places` (e.g. `CENT`) it is rounded half-up to them for a
    display column. `grouped` adds thousands separators (`¥1,299.00`), as the app's tables
    do.
    """
    if places is not None:
        amount = round_half_up(amount, places)
    elif amount == amount.quantize(CENT):
        amount = amount.quantize(CENT)
    digits = f"{abs(amount):,f}" if grouped else f"{abs(amount):f}"
    sign = "-" if amount < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency or "")
    if symbol:
        return f"{sign}{symbol}{digits}"
    return f"{sign}{digits} {currency}" if currency else f"{sign}{digits}"


def parse_rate(text: str | int | Decimal, what: str = "rate") -> Decimal:
    """Read a fraction: ``"15%"`` -> 0.15, ``"0.95"`` -> 0.95, ``"9.5折"`` -> 0.95.

    A bare number above 1 is refused rather than guessed (is ``15`` 15% or 15 yuan?).
    """
    if isinstance(text, bool | float):
        raise ValueError(f'{what} must be a string such as "15%" or "0.95", not {text!r}')
    raw = str(text).strip()
    try:
        if raw.endswith("%"):
            value = Decimal(raw[:-1].strip()) / 100
        elif raw.endswith("折"):
            number = Decimal(raw[:-1].strip())
            value = number / 10 if number >= 1 else number
            if "." not in raw[:-1] and number >= 10:
                value = number / 100
        else:
            value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f'{what} {text!r} is not a rate (write e.g. "15%" or "0.95")') from None
    if not value.is_finite() or value < 0 or value > 1:
        raise ValueError(f"{what} {text!r} must be between 0% and 100%")
    return value


def allocate(total: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Split `total` (whole cents) over `weights` in proportion, in cents, exactly.

    Each share is first floored to the cent; the cents left over go one by one to the
    largest fractional remainders (ties to the earlier weight), so the shares sum to
    `total` exactly. All-zero weights split evenly the same way.
    """
    if not weights:
        if total != 0:
            raise ValueError("cannot allocate a non-zero amount over nothing")
        return []
    total_cents = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    if Decimal(total_cents) * CENT != total:
        raise ValueError(f"allocate needs a whole number of cents, got {total}")
    basis = list(weights) if any(w > 0 for w in weights) else [Decimal(1)] * len(weights)
    weight_sum = sum(basis, ZERO)
    exact = [Decimal(total_cents) * w / weight_sum for w in basis]
    floors = [int(x.to_integral_value(rounding=ROUND_FLOOR)) for x in exact]
    left = total_cents - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]
