"""How alert messages write amounts of money: exact, with the currency, never a float."""

from __future__ import annotations

from decimal import Decimal

_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "HKD": "HK$", "JPY": "JP¥"}


def format_money(amount: Decimal, currency: str | None) -> str:
    """`¥59.90`, `$5.00`, `59.90 SGD`: two decimals unless the amount needs more."""
    text = f"{amount:.2f}" if amount == amount.quantize(Decimal("0.01")) else f"{amount:f}"
    symbol = _SYMBOLS.get(currency or "")
    if symbol:
        return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"
    return f"{text} {currency}" if currency else text
