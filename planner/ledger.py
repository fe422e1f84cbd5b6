"""The working state of one item while it is priced, and the steps it leaves behind.

Every adjustment to an item's amount goes through `Line.apply`, which records a `Step`
(what it is as `Words`, signed amount, running total). That single path is what makes
every number in a plan explainable: the steps of an item always sum to its in-hand amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from planner.cart import Item, Offer
from planner.money import ZERO
from planner.wording import Words

__all__ = ["STEP_KINDS", "Discount", "Line", "Step"]

#: The stages an item's amount passes through, in the order the cost engine applies them.
STEP_KINDS = (
    "price",
    "activity",
    "presale",
    "instant_off",
    "multibuy",
    "shop",
    "shop_coupon",
    "cross_store",
    "platform_coupon",
    "member",
    "subsidy",
    "shipping",
    "credit",
)


@dataclass(frozen=True)
class Step:
    """One adjustment: `amount` is signed (discounts negative), `total` the running total.

    `kind` names the stage (STEP_KINDS) so the budget sheet can give each its column;
    `words` say what it is, in whichever language the reader has chosen.
    """

    words: Words
    amount: Decimal
    total: Decimal
    kind: str = ""

    @property
    def label(self) -> str:
        """The English wording, the stable label of `--json` and of the notes."""
        return self.words.text("en")


@dataclass(frozen=True)
class Discount:
    """An order-level adjustment as a whole: its kind, words, amount and (if any) shop.

    `source` is the promotion that gave it, so the engine can count the held coupons an
    order spends; it plays no part in comparing discounts.
    """

    kind: str
    words: Words
    amount: Decimal
    shop: str | None = None
    source: object = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        """The English wording, the stable label of `--json`."""
        return self.words.text("en")


@dataclass
class Line:
    """One item on its way from list price to in-hand amount (mutable, internal)."""

    item: Item
    offer: Offer
    offer_index: int
    order: str
    amount: Decimal = ZERO
    item_level: Decimal = ZERO
    steps: list[Step] = field(default_factory=list)

    def apply(self, kind: str, what: Words, delta: Decimal) -> None:
        """Change the amount by `delta` and record the step (zero changes are skipped)."""
        if delta == 0:
            return
        self.amount += delta
        self.steps.append(Step(what, delta, self.amount, kind))
