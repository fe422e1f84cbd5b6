"""Messages the app's workers and screens post upward (past-tense events, small values).

Workers run the blocking read or computation, then post one of these; the screen that
owns the data handles it on the event loop. Nothing here holds a live database row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from tracker.queries.watchlist import ForecastMark, Trend, WatchRow


@dataclass
class WatchlistLoaded(Message):
    """The watchlist's rows were read from the store."""

    rows: list[WatchRow]


@dataclass
class RowsChanged(Message):
    """Some products' rows were read again after new observations."""

    rows: list[WatchRow]
    trends: dict[int, Trend]


@dataclass
class TrendsLoaded(Message):
    """Sparklines, lowest prices and forecasts were read for the watchlist."""

    trends: dict[int, Trend]
    marks: dict[int, ForecastMark]


@dataclass
class PricesRecorded(Message):
    """New observations exist (from the in-app scheduler or another process)."""

    latest_id: int
    after_id: int  # the newest observation id seen before these

    @property
    def new(self) -> int:
        """How many observations arrived (ids are dense enough for a count)."""
        return self.latest_id - self.after_id

    def can_replace(self, message: Message) -> bool:
        """A newer tick supersedes a queued older one."""
        return isinstance(message, PricesRecorded)


@dataclass
class ProductAdded(Message):
    """The user added a listing (and possibly a new product)."""

    product_id: int
    listing_id: int
    name: str


@dataclass
class ProductLoaded(Message):
    """A product's details were read for the Product screen."""

    details: Any  # tui.screens.product_data.ProductDetails


@dataclass
class ForecastsMade(Message):
    """Forecasts for a product's listings were computed and stored."""

    explanations: list[tuple[int, str, str]]  # (listing id, Chinese, English)
    problems: list[str]  # listings that could not be forecast, and why


@dataclass
class ForecastsStored(Message):
    """New forecasts were stored: views showing forecasts should read them again."""


@dataclass
class PlanComputed(Message):
    """The planner priced and optimised the cart."""

    result: Any  # tui.screens.planner_data.PlanView


@dataclass
class CartChanged(Message):
    """The user changed the cart (added a product): the planner should plan it again."""


@dataclass
class AlertsLoaded(Message):
    """The alert inbox and the channels were read."""

    events: list[Any] = field(default_factory=list)
    channels: list[Any] = field(default_factory=list)


@dataclass
class ListingsPaused(Message):
    """The user paused or resumed listings: which rows are checked (and shown) changed."""


@dataclass
class WorkFinished(Message):
    """A background action finished with a message for the user."""

    text: str
