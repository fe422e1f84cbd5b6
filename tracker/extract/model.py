"""The values extraction produces: candidate prices with their evidence, and the verdict.

Every extractor returns `Candidate`s rather than a price, so the resolver can see where
each number came from and refuse to guess when sources disagree. `Extraction` is the
single answer for one page; when `price` is None, `reason` says why in words a user can act
on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

JS_NOTE = "price rendered by JavaScript; try browser mode"
"""The reason given when a page's price box is empty because a script fills it."""

Kind = Literal["price", "list", "from"]
"""`price`: the selling price; `list`: a struck/original price; `from`: a lowest price of a
range or of several variants ("from ¥99", "￥2999起", "$19.99 - $24.99")."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One price an extractor found, and the evidence that made it think so."""

    price: Decimal
    currency: str | None
    source: str
    evidence: str
    kind: Kind = "price"


@dataclass(frozen=True, slots=True)
class Found:
    """What one extractor saw on a page: prices, and any stock or title signal.

    `note` explains an absence the extractor understands (an empty price panel that
    JavaScript fills), so "no price" can say why. `promotions` are what the page states
    beside the price (tracker.extract.promotions describes their shape).
    """

    candidates: tuple[Candidate, ...] = ()
    in_stock: bool | None = None
    title: str | None = None
    note: str | None = None
    promotions: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """The verdict for one page; `reason` is set exactly when `price` is None."""

    price: Decimal | None
    currency: str | None
    list_price: Decimal | None
    title: str | None
    in_stock: bool | None
    source: str | None
    reason: str | None
    is_from_price: bool = False
    candidates: tuple[Candidate, ...] = field(default=())
    promotions: tuple[dict[str, Any], ...] = field(default=())
    """Coupons, thresholds, member prices, limits and presale terms stated beside the
    price, as plain dicts in the cart file's vocabulary (tracker.extract.promotions)."""
