"""Pack sizes as shops write them in titles, turned into a quantity in one base unit.

Chinese shops write `3kg*2瓶`, `500ml×12`, `1.5L`, `24卷`, `100抽×18包`, `2斤装`,
`5包x3提`; English listings write `2 x 500 ml`, `12-pack`, `1.5 lb`, `16 fl oz`. The
per-unit cost ("per kg", "per roll") is only comparable across listings if every pack
lands in the same base unit, so:

- weights become kg, volumes become l (1 斤 = 500 g, 1 两 = 50 g, 1 lb = 453.59237 g,
  1 oz = 28.349523125 g, 1 US fl oz = 29.5735295625 ml);
- a measure (weight or volume) wins over counts: `3kg*2瓶` is 6 kg, not 2 bottles;
- without a measure, counts multiply and the innermost counted thing is the unit:
  `100抽×18包` is 1800 sheets, `5包x3提` is 15 packs;
- a bare multiplier applies to whatever it follows: `500ml×12` is 6 l.

When a title holds no readable size, `parse_pack` returns None and the caller asks the
user (precision over recall: no per-unit cost beats a wrong one). A user's explicit
`unit` + `per_pack` always wins over parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

__all__ = ["UNITS", "Pack", "pack_from", "parse_pack"]

#: Base units the planner reports, with the words that name them.
UNITS = ("kg", "g", "l", "ml", "piece", "roll", "bag", "pack", "bottle", "sheet", "box")

_MEASURES: dict[str, tuple[str, Decimal]] = {
    "kg": ("kg", Decimal(1)),
    "千克": ("kg", Decimal(1)),
    "公斤": ("kg", Decimal(1)),
    "g": ("kg", Decimal("0.001")),
    "克": ("kg", Decimal("0.001")),
    "斤": ("kg", Decimal("0.5")),
    "两": ("kg", Decimal("0.05")),
    "lb": ("kg", Decimal("0.45359237")),
    "lbs": ("kg", Decimal("0.45359237")),
    "oz": ("kg", Decimal("0.028349523125")),
    "floz": ("l", Decimal("0.0295735295625")),
    "l": ("l", Decimal(1)),
    "升": ("l", Decimal(1)),
    "ml": ("l", Decimal("0.001")),
    "毫升": ("l", Decimal("0.001")),
}

_COUNTS: dict[str, str] = {
    "卷": "roll",
    "rolls": "roll",
    "roll": "roll",
    "袋": "bag",
    "bags": "bag",
    "bag": "bag",
    "包": "pack",
    "提": "pack",
    "packs": "pack",
    "pack": "pack",
    "瓶": "bottle",
    "罐": "bottle",
    "听": "bottle",
    "bottles": "bottle",
    "bottle": "bottle",
    "cans": "bottle",
    "can": "bottle",
    "抽": "sheet",
    "张": "sheet",
    "片": "sheet",
    "sheets": "sheet",
    "sheet": "sheet",
    "盒": "box",
    "箱": "box",
    "boxes": "box",
    "box": "box",
    "个": "piece",
    "件": "piece",
    "只": "piece",
    "支": "piece",
    "条": "piece",
    "块": "piece",
    "枚": "piece",
    "粒": "piece",
    "pcs": "piece",
    "pc": "piece",
    "pieces": "piece",
    "piece": "piece",
    "count": "piece",
    "ct": "piece",
}

_NUMBER = r"\d+(?:\.\d+)?"
_WORDS = sorted(list(_MEASURES) + list(_COUNTS) + ["fl oz", "fl.oz", "组", "套"], key=len)
_UNIT_RE = "|".join(re.escape(w) for w in reversed(_WORDS))
_TOKEN = re.compile(
    rf"(?P<num>{_NUMBER})\s*(?P<unit>{_UNIT_RE})(?![a-wyz])"
    rf"|(?P<pack>{_NUMBER})\s*-\s*pack(?![a-wyz])"
    rf"|(?P<mul>[*×xX✕])\s*(?P<mulnum>{_NUMBER})(?![\d.]|\s*(?:{_UNIT_RE})(?![a-wyz]))"
    rf"|(?P<lead>{_NUMBER})\s*[*×xX✕]\s*(?={_NUMBER})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Pack:
    """How much one pack holds: `quantity` of `unit` (one of UNITS)."""

    quantity: Decimal
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r} is not one of {', '.join(UNITS)}")
        if self.quantity <= 0:
            raise ValueError(f"pack quantity must be positive, got {self.quantity}")


PIECE = Pack(Decimal(1), "piece")


def parse_pack(text: str) -> Pack | None:
    """The pack size written in `text` (a title or a `pack` field), or None if unreadable."""
    measure: tuple[str, Decimal] | None = None
    count_unit: str | None = None
    multiplier = Decimal(1)
    normalised = text.replace("（", "(").replace("）", ")").replace("＊", "*")
    for match in _TOKEN.finditer(normalised):
        if match.group("lead"):
            multiplier *= _number(match.group("lead"))
        elif match.group("pack"):
            multiplier *= _number(match.group("pack"))
            count_unit = count_unit or "piece"
        elif match.group("mul"):
            multiplier *= _number(match.group("mulnum"))
        else:
            number = _number(match.group("num"))
            word = match.group("unit").lower().replace(" ", "").replace(".", "")
            if word in _MEASURES:
                if measure is not None:
                    # `140g*27卷` style is fine, but two measures (`3kg 5l`) is ambiguous.
                    return None
                unit, factor = _MEASURES[word]
                measure = (unit, number * factor)
            else:
                multiplier *= number
                if count_unit is None:
                    count_unit = _COUNTS.get(word, "piece")
    if measure is not None:
        unit, amount = measure
        return Pack(amount * multiplier, unit)
    if count_unit is not None:
        return Pack(multiplier, count_unit)
    return None


_SIGNED_NUMBER = re.compile(r"(?:^|[\s*×xX✕(（])[-−–]\s*\d")


def pack_from(pack: str | None, unit: str | None, per_pack: str | Decimal | None) -> Pack:
    """Resolve an item's pack: an explicit `unit` + `per_pack` wins, then `pack` text.

    Raises ValueError with the reason when neither gives a size; without both the item is
    counted in pieces, one per pack.
    """
    if unit is not None or per_pack is not None:
        if unit is None or per_pack is None:
            raise ValueError("give both unit and per_pack, or neither")
        try:
            quantity = Decimal(str(per_pack))
        except InvalidOperation:
            raise ValueError(f"per_pack {per_pack!r} is not a number") from None
        return Pack(quantity, unit)
    if pack is None:
        return PIECE
    if _SIGNED_NUMBER.search(pack):
        raise ValueError(f"pack {pack!r} has a negative size (a pack holds more than nothing)")
    parsed = parse_pack(pack)
    if parsed is None:
        raise ValueError(f'pack {pack!r} has no readable size (write e.g. "3kg*2" or "24卷")')
    return parsed


def _number(text: str) -> Decimal:
    return Decimal(text)
