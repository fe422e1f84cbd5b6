"""How the app writes money, unit prices, changes and ages: display only, no rounding rules.

Amounts stay `Decimal`; these functions only choose how many places to show. Unit prices
are shown per 100 ml for liquids (shops and shoppers compare milk and shampoo that way)
and per base unit otherwise.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from rich.text import Text

from planner.money import CENT, format_money
from tui.i18n import STRINGS, t


def money(amount: Decimal | None, currency: str | None = "CNY") -> str:
    """`¥1,064.90`, to the cent; `-` when there is no amount."""
    if amount is None:
        return "-"
    return format_money(amount, currency, places=CENT, grouped=True)


def per_unit(amount: Decimal | None, unit: str, currency: str | None = "CNY") -> str:
    """`¥10.82/kg`, `¥0.98/100ml`; small amounts keep three places so they still differ."""
    if amount is None:
        return "-"
    label = unit_label(unit)
    if unit == "l":
        amount, label = amount / 10, unit_label("100ml")
    places = Decimal("0.001") if abs(amount) < 1 else CENT
    return f"{format_money(amount, currency, places=places, grouped=True)}/{label}"


def unit_label(unit: str) -> str:
    """A unit as the current language writes it after a price (`件`, `pc`); short, as unit
    prices share a narrow column. A unit the catalogue lacks shows as stored."""
    key = f"unit.{unit}"
    return t(key) if key in STRINGS else unit


def change(delta: Decimal | None, currency: str | None = "CNY") -> Text:
    """`▼10.00` in green for a drop, `▲5.00` in red for a rise, `=` for no change."""
    if delta is None:
        return Text("-", style="dim")
    if delta == 0:
        return Text("=", style="dim")
    arrow, style = ("▼", "green") if delta < 0 else ("▲", "red")
    return Text(f"{arrow}{money(abs(delta), currency)}", style=style)


def ago(when: datetime | None, now: datetime) -> str:
    """`42s`, `5m`, `3h`, `2d` since `when`."""
    if when is None:
        return "-"
    seconds = max(int((now - when).total_seconds()), 0)
    for size, suffix in ((86400, "d"), (3600, "h"), (60, "m")):
        if seconds >= size:
            return f"{seconds // size}{suffix}"
    return f"{seconds}s"
