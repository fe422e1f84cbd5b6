"""The database tables, and nothing else: every table daoshou stores is declared here.

Rules that hold for every table:
- times are timezone-aware UTC (`UtcDateTime`), never naive;
- money is `Decimal` stored exactly as an integer count of 1/10000 units (`Amount`), so
  SQLite and PostgreSQL round-trip it identically and SQL can still compare and order it;
  the currency is always stored beside it;
- the UI never holds these rows: `tracker.store.repository` returns frozen dataclasses.

A change here needs a migration under `tracker/store/migrations/versions/`; a test checks that
the migrations and these models agree.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel
from sqlmodel._compat import SQLModelConfig

from tracker.store import codec
from tracker.store.codec import utcnow as utcnow  # the tables' time, re-exported

# Pydantic builds a model's validators when first used, not at import: most commands never
# validate a table row, and building fourteen of them was a tenth of opening the store.
_DEFERRED: SQLModelConfig = {"defer_build": True}

# Named constraints, so later migrations can alter them on SQLite (batch mode needs names).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table behind a table model, for bulk statements and joins.

    SQLModel sets `__table__` when the class is declared, but does not declare it to the
    type checker; this is the one place that reads it.
    """
    table = getattr(model, "__table__", None)
    if not isinstance(table, sa.Table):
        raise TypeError(f"{model.__name__} is not a table model")
    return table


class Amount(TypeDecorator[Decimal]):
    """A Decimal stored exactly as a BIGINT of 1/10000 units (prices never need more)."""

    impl = sa.BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> int | None:
        return codec.amount_to_stored(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Decimal | None:
        return codec.amount_from_stored(value)


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime; naive values are refused rather than guessed."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return codec.utc_to_stored(value)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return codec.utc_from_stored(value)


class JsonList(TypeDecorator[tuple[Any, ...]]):
    """A tuple of JSON-able values stored as JSON text (NULL reads back as empty).

    Text, not the dialect's JSON type, so SQLite and PostgreSQL store the same bytes and a
    later reader sees exactly what extraction recorded."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        return codec.json_list_to_stored(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> tuple[Any, ...]:
        return codec.json_list_from_stored(value)


def _amount(nullable: bool = True, **kw: Any) -> Any:
    return Field(default=None, sa_column=sa.Column(Amount(), nullable=nullable), **kw)


def _time(nullable: bool = False, index: bool = False) -> Any:
    kwargs: dict[str, Any] = {"nullable": nullable, "index": index}
    if not nullable:
        return Field(default_factory=utcnow, sa_column=sa.Column(UtcDateTime(), **kwargs))
    return Field(default=None, sa_column=sa.Column(UtcDateTime(), **kwargs))


class Product(SQLModel, table=True):
    """What the user wants, independent of where it is sold (e.g. "Liby detergent")."""

    model_config = _DEFERRED

    id: int | None = Field(default=None, primary_key=True)
    name: str
    unit: str = "piece"  # base unit prices are compared in: kg, l, piece, roll, sheet...
    category: str | None = None  # for subsidies and forecast priors
    created_at: datetime = _time()
    archived: bool = False


class Listing(SQLModel, table=True):
    """One offer of a product: a URL on a platform, in a shop, with a pack size."""

    model_config = _DEFERRED

    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id", index=True, ondelete="CASCADE")
    platform: str  # jd | tmall | taobao | pdd | douyin | web
    shop: str | None = None
    url: str = Field(sa_column=sa.Column(sa.Text, nullable=False, unique=True))
    sku: str | None = None
    pack: str | None = None  # as written by the user or the title: "3kg*2"
    per_pack: Decimal | None = _amount()  # quantity of the product's unit in one pack
    check_interval_minutes: int | None = None  # None: the global default
    use_browser: bool = False
    active: bool = True
    created_at: datetime = _time()
    # The check lease (`tracker.checks.lease`): which process checks it now, and until when.
    check_owner: str | None = None
    check_until: datetime | None = _time(nullable=True)
    # When the dispatcher (`tracker.checks.dispatch`) should check it next; None: never
    # planned yet (a new listing, whose first check is spread over its interval).
    next_check_at: datetime | None = _time(nullable=True, index=True)


class Observation(SQLModel, table=True):
    """One recorded check of a listing: a price, or "no price" with the reason."""

    model_config = _DEFERRED

    __table_args__ = (sa.Index("ix_observation_listing_time", "listing_id", "observed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", ondelete="CASCADE")
    observed_at: datetime = _time()
    price: Decimal | None = _amount()
    list_price: Decimal | None = _amount()
    currency: str | None = None  # ISO 4217
    in_stock: bool | None = None
    is_from_price: bool = False  # a "from"/range price, not the price of one variant
    title: str | None = None
    source: str | None = None  # the extractor that produced it, or "import"
    reason: str | None = None  # why there is no price, else None
    # What the page stated beside the price, in the cart file's vocabulary
    # (docs/extraction.md, "Promotions"); empty when it stated none.
    promotions: tuple[dict[str, Any], ...] = Field(
        default=(), sa_column=sa.Column(JsonList(), nullable=True)
    )
    # One unit bought alone, with those promotions applied by the planner's cost engine;
    # None when there is no price or the promotions could not be priced.
    in_hand: Decimal | None = _amount()


class ListingSummary(SQLModel, table=True):
    """One row per listing that the lists read instead of its history: the latest
    observation, the latest two priced ones, the running lowest price and the latest fetch.

    Kept in the same transaction as every observation (`tracker.store.summary`), rebuilt
    from the history after bulk imports; ids point into `observation` / `fetchattempt`.
    The latest observation and fetch are also copied whole (`last_*`, `attempt_*`; which
    column holds which field: `tracker.store.views.summary_column`), so that `daoshou list`
    reads this one row per listing: at 44M observations, following `last_id` into the
    history was a random read of a 5 GB file per listing.
    """

    model_config = _DEFERRED

    listing_id: int = Field(foreign_key="listing.id", primary_key=True, ondelete="CASCADE")
    last_id: int | None = None  # the newest observation, priced or not
    last_at: datetime | None = _time(nullable=True)
    priced_id: int | None = None  # the newest observation with a price
    priced_at: datetime | None = _time(nullable=True)
    before_id: int | None = None  # the priced observation before `priced_id`
    lowest_price: Decimal | None = _amount()  # lowest comparable price in `lowest_currency`
    lowest_currency: str | None = None
    lowest_at: datetime | None = _time(nullable=True)
    attempt_id: int | None = None  # the newest fetch attempt
    attempt_at: datetime | None = _time(nullable=True)
    # The rest of the newest observation (`last_id`, at `last_at`), as `observation` holds it.
    last_price: Decimal | None = _amount()
    last_list_price: Decimal | None = _amount()
    last_currency: str | None = None
    last_in_stock: bool | None = None
    last_is_from_price: bool | None = None
    last_title: str | None = None
    last_source: str | None = None
    last_reason: str | None = None
    last_promotions: tuple[dict[str, Any], ...] = Field(
        default=(), sa_column=sa.Column(JsonList(), nullable=True)
    )
    last_in_hand: Decimal | None = _amount()
    # The rest of the newest fetch attempt (`attempt_id`, at `attempt_at`).
    attempt_duration_ms: int | None = None
    attempt_status: str | None = None
    attempt_http_status: int | None = None
    attempt_error: str | None = None
    attempt_bytes_received: int | None = None


class ObservationDaily(SQLModel, table=True):
    """The daily roll-up of a listing's comparable prices (a price, not a from-price), per
    UTC day and currency: what charts and forecasts read instead of every observation."""

    model_config = _DEFERRED

    listing_id: int = Field(foreign_key="listing.id", primary_key=True, ondelete="CASCADE")
    day: str = Field(primary_key=True)  # YYYY-MM-DD, UTC
    currency: str = Field(primary_key=True)
    first_price: Decimal = Field(sa_column=sa.Column(Amount(), nullable=False))
    first_at: datetime = _time()
    last_price: Decimal = Field(sa_column=sa.Column(Amount(), nullable=False))
    last_at: datetime = _time()
    min_price: Decimal = Field(sa_column=sa.Column(Amount(), nullable=False))
    max_price: Decimal = Field(sa_column=sa.Column(Amount(), nullable=False))
    count: int = 0


class FetchAttempt(SQLModel, table=True):
    """One attempt to fetch a listing's page, successful or not, for diagnosis."""

    model_config = _DEFERRED

    __table_args__ = (sa.Index("ix_fetchattempt_listing_time", "listing_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", ondelete="CASCADE")
    started_at: datetime = _time()
    duration_ms: int = 0
    status: str  # ok | not_modified | http_error | network_error | blocked | robots | too_large
    # | check_error (the check failed unexpectedly; `error` says how)
    http_status: int | None = None
    error: str | None = None
    bytes_received: int = 0


class PageValidator(SQLModel, table=True):
    """The validators of a listing's last good response, for conditional requests."""

    model_config = _DEFERRED

    listing_id: int = Field(foreign_key="listing.id", primary_key=True, ondelete="CASCADE")
    etag: str | None = None
    last_modified: str | None = None
    observation_id: int | None = Field(default=None, foreign_key="observation.id")


class Purchase(SQLModel, table=True):
    """Something the user bought, for price protection (价保) and spending records."""

    model_config = _DEFERRED

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True, ondelete="CASCADE")
    price: Decimal = Field(sa_column=sa.Column(Amount(), nullable=False))
    currency: str = "CNY"
    quantity: int = 1
    bought_at: datetime = _time()


class AlertChannel(SQLModel, table=True):
    """A delivery channel. The Apprise URL itself lives in an owner-only config file."""

    model_config = _DEFERRED

    id: int | None = Field(default=None, primary_key=True)
    label: str  # the URL with secrets masked, safe to show
    secret_key: str = Field(unique=True)  # key of the URL in the private channels file
    created_at: datetime = _time()


class AlertRule(SQLModel, table=True):
    """A condition on a product's or a listing's prices that should notify the user."""

    model_config = _DEFERRED

    id: int | None = Field(default=None, primary_key=True)
    product_id: int | None = Field(default=None, foreign_key="product.id", ondelete="CASCADE")
    listing_id: int | None = Field(default=None, foreign_key="listing.id", ondelete="CASCADE")
    kind: str  # target | drop | lowest | in_stock | price_protection | ...
    params: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))
    channel_ids: list[int] | None = Field(default=None, sa_column=sa.Column(sa.JSON))
    armed: bool = True  # hysteresis: a fired target re-arms only above target + margin
    active: bool = True
    created_at: datetime = _time()


class AlertEvent(SQLModel, table=True):
    """The outbox: an alert written in the same transaction as the observation behind it."""

    model_config = _DEFERRED

    id: int | None = Field(default=None, primary_key=True)
    rule_id: int | None = Field(default=None, foreign_key="alertrule.id", ondelete="SET NULL")
    listing_id: int | None = Field(default=None, foreign_key="listing.id", ondelete="SET NULL")
    observation_id: int | None = Field(default=None, foreign_key="observation.id")
    dedupe_key: str = Field(unique=True)
    created_at: datetime = _time(index=True)
    message_zh: str
    message_en: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=sa.Column(sa.JSON))


class AlertDelivery(SQLModel, table=True):
    """One event to one channel: retried with backoff until sent, never sent twice."""

    model_config = _DEFERRED

    __table_args__ = (sa.UniqueConstraint("event_id", "channel_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="alertevent.id", index=True, ondelete="CASCADE")
    channel_id: int = Field(foreign_key="alertchannel.id", ondelete="CASCADE")
    status: str = "pending"  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime = _time(index=True)
    sent_at: datetime | None = _time(nullable=True)
    last_error: str | None = None


class ForecastRecord(SQLModel, table=True):
    """The last forecast of a listing for one sale event, with the hash of its inputs."""

    model_config = _DEFERRED

    __table_args__ = (sa.UniqueConstraint("listing_id", "event_key"),)

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listing.id", index=True, ondelete="CASCADE")
    event_key: str  # e.g. "double11-2026"
    event_date: str  # YYYY-MM-DD
    inputs_hash: str
    computed_at: datetime = _time()
    currency: str | None = None
    point: Decimal | None = _amount()
    lower: Decimal | None = _amount()
    upper: Decimal | None = _amount()
    prob_drop: float | None = None  # a probability, not money
    advice: str | None = None  # buy | wait
    expected_saving: Decimal | None = _amount()
    method: str | None = None  # model | fallback
    history_days: int = 0
    fake_discount: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(sa.JSON))


class HostBudget(SQLModel, table=True):
    """One shop host's politeness across every process sharing the store: the earliest
    moment the next request to it may start (`tracker.checks.dispatch`)."""

    model_config = _DEFERRED

    host: str = Field(primary_key=True)  # "host:port", as `tracker.fetch.fetcher.host_key`
    next_allowed_at: datetime = _time()
