"""Messages the app's workers and screens post upward (past-tense events, small values).

Workers run the blocking read or computation, then post one of these; the screen that
owns the data handles it on the event loop. Nothing here holds a live database row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message
from textual.notifications import SeverityLevel

from tracker.settings import Language

if TYPE_CHECKING:  # named for the reader and mypy, not imported at start-up:
    from tracker.alerts.channels import ChannelView  # Apprise loads with the alerts screen
    from tracker.queries.alert_inbox import InboxEntry  # the read models load SQLAlchemy,
    from tracker.queries.product_detail import ProductDetails  # after the first paint
    from tracker.queries.watch_rows import ForecastMark, Trend, WatchRow
    from tui.screens.planner import PlanView  # the planner screen owns its view


@dataclass
class WatchlistLoaded(Message):
    """The watchlist's rows were read from the store (or, first, only its first screenful
    in the default order: not `complete`)."""

    rows: list[WatchRow]
    complete: bool = True


@dataclass
class RowsChanged(Message):
    """Some products' rows were read again after new observations, with the forecasts
    of their best listings (the best listing, or its price, may have changed)."""

    rows: list[WatchRow]
    trends: dict[int, Trend]
    marks: dict[int, ForecastMark]


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
    first_check: str  # what the page's first fetch found (a price, or why there is none)


@dataclass
class ProductLoaded(Message):
    """A product's details were read for the Product screen."""

    details: ProductDetails


@dataclass
class ForecastsMade(Message):
    """Forecasts for a product's listings were computed and stored."""

    explanations: tuple[tuple[int, str, str], ...]  # (listing id, Chinese, English)
    problems: tuple[str, ...]  # listings that could not be forecast, and why


class StoreChanged(Message):
    """Something in the store changed that every screen showing it should read again."""


@dataclass
class ChangeAnnounced(Message):
    """A screen changed the store; the app posts a fresh `change()` to every screen."""

    change: type[StoreChanged]


@dataclass
class ForecastsStored(StoreChanged):
    """New forecasts were stored: views showing forecasts should read them again."""


@dataclass
class PlanComputed(Message):
    """The planner priced and optimised the cart."""

    result: PlanView


@dataclass
class CartChanged(StoreChanged):
    """The user changed the cart (added a product): the planner should plan it again."""


@dataclass
class AlertsLoaded(Message):
    """The alert inbox and the channels were read."""

    events: list[InboxEntry] = field(default_factory=list)
    channels: list[ChannelView] = field(default_factory=list)


@dataclass
class ListingsPaused(StoreChanged):
    """The user paused or resumed listings: which rows are checked (and shown) changed."""


@dataclass
class WorkFinished(Message):
    """A background action finished with a message for the user (a warning when some
    of it failed: a failure must not look like news)."""

    text: str
    severity: SeverityLevel = "information"


@dataclass
class LanguageSwitched(Message):
    """The user chose another language: screens not shown are rebuilt in it."""

    language: Language
