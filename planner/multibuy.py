"""Multi-buy offers as shops write them: 第二件半价, 3for2, 买2送1, 2件9折, 第2件5折.

Each form becomes a `Multibuy` (planner.cart): either a group of N packs in which some
packs are charged at a rate, or a rate on every pack once N are bought. Anything else is
refused (None), so the cart loader can name the field instead of guessing.
"""

from __future__ import annotations

import re
from decimal import Decimal

from planner.cart import Multibuy
from planner.money import parse_rate

__all__ = ["multibuy_from"]


_CN_DIGITS = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5}


def multibuy_from(text: str) -> Multibuy | None:
    """Read a multi-buy: `2nd-half`/`第二件半价`, `3for2`/`买2送1`, `2@0.9`/`2件9折`, `第2件5折`."""
    raw = text.strip().lower().replace(" ", "")
    if raw in ("2nd-half", "第二件半价"):
        return Multibuy(text, group=2, rate=Decimal("0.5"))
    if m := re.fullmatch(r"(\d+)for(\d+)", raw):
        group, pay = int(m.group(1)), int(m.group(2))
        if 0 < pay < group:
            return Multibuy(text, group=group, rate=Decimal(0), discounted=group - pay)
        return None
    if m := re.fullmatch(r"买(\d+)送(\d+)", raw):
        pay, free = int(m.group(1)), int(m.group(2))
        return (
            Multibuy(text, group=pay + free, rate=Decimal(0), discounted=free)
            if pay and free
            else None
        )
    if m := re.fullmatch(r"(\d+)@(\d*\.?\d+)", raw):
        return _whole(text, int(m.group(1)), m.group(2))
    if m := re.fullmatch(r"(\d+)件(\d+(?:\.\d+)?折)", raw):
        return _whole(text, int(m.group(1)), m.group(2))
    if m := re.fullmatch(r"第([2-5二两三四五])件(\d+(?:\.\d+)?折|半价|免费|0元)", raw):
        group = _CN_DIGITS.get(m.group(1)) or int(m.group(1))
        word = m.group(2)
        rate = Decimal("0.5") if word == "半价" else Decimal(0) if word in ("免费", "0元") else None
        try:
            rate = rate if rate is not None else parse_rate(word)
        except ValueError:
            return None
        return Multibuy(text, group=group, rate=rate)
    return None


def _whole(text: str, group: int, rate_text: str) -> Multibuy | None:
    try:
        rate = parse_rate(rate_text)
    except ValueError:
        return None
    return Multibuy(text, group=group, rate=rate, whole=True) if group >= 1 else None
