"""The tracker's use-cases on the store: the one place that opens sessions for them.

Every method is one unit of work (one session, one transaction) and returns frozen
snapshots from `tracker.store.views`, never live rows. Writes that must stay together are
written together: a check's observation, its fetch attempt, the page validators and the
alerts they raise commit in one transaction or not at all, so a crash can never leave an
alert without its observation or an observation without its attempt.

Bulk paths (importing a price history) go through SQLAlchemy core `insert` with
executemany, about ten times faster on SQLite than ORM `add_all`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, fields
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from planner.display import display_text
from planner.errors import DaoshouError
from planner.packs import Pack, parse_pack
from tracker.errors import NotFoundError, StoreError
from tracker.platforms import detect_platform, normalise_url, sku_from_url
from tracker.store import db, summary
from tracker.store.tables import (
    FetchAttempt,
    Listing,
    ListingSummary,
    Observation,
    ObservationDaily,
    PageValidator,
    Product,
    table_of,
)
from tracker.store.views import (
    STATUS_PARTS,
    DailyView,
    FetchAttemptView,
    ListingStatus,
    ListingView,
    NewFetchAttempt,
    NewObservation,
    NextCheck,
    ObservationView,
    ProductView,
    Validators,
    field_names,
)

#: Called inside a check's transaction with the new observation (alerts hook in here).
ObservationHook = Callable[[Session, Observation], object]

MAX_TITLE = 300  # as extraction keeps it: a longer "title" is a page run together

_BULK_CHUNK = 1000
# What a 304 repeats from the observation the validators belong to (all but the time).
_REPEATED_FIELDS = tuple(f.name for f in fields(NewObservation) if f.name != "observed_at")
_PER_PACK_STEP = Decimal("0.0001")  # the store keeps quantities to 4 decimal places
_PRODUCT = {"product_name": "name", "unit": "unit"}  # a ListingView's fields of the product


class Repository:
    """The tracker's store. Built on an engine; by default the user's own database."""

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine

    @property
    def engine(self) -> Engine:
        """The migrated engine (opened on first use, not at construction)."""
        if self._engine is None:
            self._engine = db.open_engine()
        return self._engine

    # -- products and listings ------------------------------------------------------------

    def add_listing(
        self,
        url: str,
        *,
        product: str | None = None,
        pack: str | None = None,
        shop: str | None = None,
        check_interval_minutes: int | None = None,
        use_browser: bool = False,
    ) -> ListingView:
        """Track a product page: normalise its URL, detect the platform, file it under a
        product (found by name, else created; named after the URL when not given)."""
        canonical, parsed_pack = self.vet_new_listing(url, pack, check_interval_minutes)
        with db.session_scope(self.engine, write=True) as session:
            _refuse_tracked(session, canonical)
            unit = parsed_pack.unit if parsed_pack else "piece"
            product_row = _find_or_create_product(session, product or _name_from(canonical), unit)
            per_pack = None
            if parsed_pack is not None and parsed_pack.unit == product_row.unit:
                per_pack = parsed_pack.quantity.quantize(_PER_PACK_STEP, ROUND_HALF_EVEN)
            assert product_row.id is not None  # found in, or flushed to, the store
            listing = Listing(
                product_id=product_row.id,
                platform=detect_platform(canonical),
                shop=shop,
                url=canonical,
                sku=sku_from_url(canonical),
                pack=pack,
                per_pack=per_pack,
                check_interval_minutes=check_interval_minutes,
                use_browser=use_browser,
            )
            session.add(listing)
            session.flush()
            session.refresh(listing)  # read back what the store kept (per_pack's scale)
            return ListingView.of(listing, product_row)

    def vet_new_listing(
        self, url: str, pack: str | None, check_interval_minutes: int | None
    ) -> tuple[str, Pack | None]:
        """The canonical URL and pack of a listing about to be added, or the error adding it
        would raise: `daoshou add` asks before fetching the page, not after."""
        canonical = normalise_url(url)
        parsed_pack = parse_pack(pack) if pack else None
        if pack and parsed_pack is None:
            raise DaoshouError(
                f"cannot read the pack size {pack!r}",
                'write it like "3kg x2", "500ml*12" or "24卷"',
                zh=(f"无法识别包装规格 {pack!r}", '写成 "3kg x2"、"500ml*12" 或 "24卷" 这样'),
            )
        if check_interval_minutes is not None and check_interval_minutes < 1:
            raise DaoshouError(
                "the check interval must be at least 1 minute", zh=("检查间隔至少为 1 分钟", "")
            )
        with db.session_scope(self.engine) as session:
            _refuse_tracked(session, canonical)
        return canonical, parsed_pack

    def get_listing(self, listing_id: int) -> ListingView:
        """One listing; NotFoundError if there is none with this id."""
        with db.session_scope(self.engine) as session:
            row = session.get(Listing, listing_id)
            if row is None:
                raise NotFoundError(
                    f"no listing with id {listing_id}",
                    "see the ids with: daoshou list",
                    zh=(f"没有编号为 {listing_id} 的商品链接", "用 daoshou list 查看编号"),
                )
            product = session.get(Product, row.product_id)
            assert product is not None
            return ListingView.of(row, product)

    def set_active(self, listing_ids: Sequence[int], active: bool) -> list[ListingView]:
        """Pause (`active=False`) or resume listings: a paused listing keeps its history,
        alert rules and forecasts but is not checked until resumed. All ids or none:
        NotFoundError names the unknown ones."""
        self.list_listings(listing_ids)  # NotFoundError before anything changes
        with db.session_scope(self.engine, write=True) as session:
            rows = session.exec(select(Listing).where(col(Listing.id).in_(list(listing_ids))))
            for row in rows:
                row.active = active
                session.add(row)
        return self.list_listings(listing_ids)

    def list_listings(
        self, ids: Sequence[int] | None = None, *, active_only: bool = False
    ) -> list[ListingView]:
        """Listings by id (all when `ids` is None), in id order; unknown ids: NotFoundError."""
        listing, product = table_of(Listing), table_of(Product)
        query = (
            sa.select(listing, product.c.name.label("product_name"), product.c.unit)
            .join(product, product.c.id == listing.c.product_id)
            .order_by(listing.c.id)
        )
        if ids is not None:
            query = query.where(listing.c.id.in_(list(ids)))
        if active_only:
            query = query.where(listing.c.active)
        with db.session_scope(self.engine) as session:
            views = [ListingView.of_joined(row) for row in session.execute(query)]
        if ids is not None:
            missing = sorted(set(ids) - {view.id for view in views})
            if missing:
                named = ", ".join(map(str, missing))
                raise NotFoundError(
                    f"no listing with id {named}",
                    "see the ids with: daoshou list",
                    zh=(f"没有编号为 {named} 的商品链接", "用 daoshou list 查看编号"),
                )
        return views

    def list_products(self) -> list[ProductView]:
        """Every product, in id order."""
        with db.session_scope(self.engine) as session:
            rows = session.exec(select(Product).order_by(col(Product.id)))
            return [ProductView.of(row) for row in rows]

    def listing_statuses(self, ids: Sequence[int] | None = None) -> list[ListingStatus]:
        """Listings with their latest observation and fetch, for `daoshou list`: one
        query through the summaries, read as flat rows (no ORM instance per listing).
        (`tracker.store.sqlite_reader` reads SQLite stores the same way without
        SQLAlchemy; this is the path PostgreSQL takes.)"""
        if ids is not None:
            self.list_listings(ids)  # NotFoundError names the unknown ones
        with db.session_scope(self.engine) as session:
            rows = session.execute(_status_select(ids))
            return [ListingStatus.of_flat(row) for row in rows]

    # -- observations ----------------------------------------------------------------------

    def history(
        self,
        listing_id: int,
        *,
        since: datetime | None = None,
        before: datetime | None = None,
        limit: int | None = None,
    ) -> list[ObservationView]:
        """A listing's observations, oldest first: the newest `limit` observed before
        `before` (a page; the next page is before the first one's time)."""
        self.get_listing(listing_id)
        query = select(Observation).where(Observation.listing_id == listing_id)
        if since is not None:
            query = query.where(col(Observation.observed_at) >= since)
        if before is not None:
            query = query.where(col(Observation.observed_at) < before)
        query = query.order_by(col(Observation.observed_at).desc(), col(Observation.id).desc())
        if limit is not None:
            query = query.limit(limit)
        with db.session_scope(self.engine) as session:
            rows = [ObservationView.of(row) for row in session.exec(query)]
        return rows[::-1]

    def daily_history(
        self, listing_id: int, *, before: str | None = None, limit: int | None = None
    ) -> list[DailyView]:
        """A listing's daily roll-up (first, last, lowest, highest price of each UTC day),
        oldest first: the newest `limit` days before the day `before` (YYYY-MM-DD)."""
        self.get_listing(listing_id)
        daily = table_of(ObservationDaily)  # plain rows: a chart reads ~730 of them
        query = sa.select(daily).where(daily.c.listing_id == listing_id)
        if before is not None:
            query = query.where(daily.c.day < before)
        query = query.order_by(daily.c.day.desc(), daily.c.currency)
        if limit is not None:
            query = query.limit(limit)
        with db.session_scope(self.engine) as session:
            rows = [DailyView.of(row) for row in session.execute(query)]
        return rows[::-1]

    def latest_observations(self, listing_ids: Iterable[int] | None) -> dict[int, ObservationView]:
        """The newest observation of each listing (None: of every listing) that has one,
        read through its summary."""
        with db.session_scope(self.engine) as session:
            rows = _through_summary(session, Observation, ListingSummary.last_id, listing_ids)
            return {row.listing_id: ObservationView.of(row) for row in rows}

    def latest_attempts(self, listing_ids: Iterable[int] | None) -> dict[int, FetchAttemptView]:
        """The newest fetch attempt of each listing (None: of every listing) that has one,
        read through its summary."""
        with db.session_scope(self.engine) as session:
            rows = _through_summary(session, FetchAttempt, ListingSummary.attempt_id, listing_ids)
            return {row.listing_id: FetchAttemptView.of(row) for row in rows}

    def last_priced_observation(self, listing_id: int) -> ObservationView | None:
        """The newest observation that has a price: the baseline for the sanity check."""
        with db.session_scope(self.engine) as session:
            rows = _through_summary(session, Observation, ListingSummary.priced_id, [listing_id])
            return ObservationView.of(rows[0]) if rows else None

    def validators(self, listing_id: int) -> Validators | None:
        """ETag/Last-Modified for a conditional request, when a reusable observation exists."""
        with db.session_scope(self.engine) as session:
            row = session.get(PageValidator, listing_id)
            if row is None or row.observation_id is None:
                return None
            if row.etag is None and row.last_modified is None:
                return None
            return Validators(row.etag, row.last_modified)

    def recent_attempts(self, listing_id: int, limit: int = 20) -> list[FetchAttemptView]:
        """A listing's latest fetch attempts, newest first, for diagnosis."""
        query = (
            select(FetchAttempt)
            .where(FetchAttempt.listing_id == listing_id)
            .order_by(col(FetchAttempt.started_at).desc(), col(FetchAttempt.id).desc())
            .limit(limit)
        )
        with db.session_scope(self.engine) as session:
            return [FetchAttemptView.of(row) for row in session.exec(query)]

    def last_attempt_times(self) -> dict[int, datetime]:
        """When each listing was last fetched (listings never fetched are absent)."""
        query = select(ListingSummary.listing_id, ListingSummary.attempt_at).where(
            col(ListingSummary.attempt_at).is_not(None)
        )
        with db.session_scope(self.engine) as session:
            return dict(session.exec(query).all())  # type: ignore[arg-type]

    def record_check(
        self,
        listing_id: int,
        attempts: Sequence[NewFetchAttempt],
        observation: NewObservation | None,
        *,
        validators: Validators | None = None,
        forget_validators: bool = False,
        on_observation: ObservationHook | None = None,
        next_check: NextCheck | None = None,
    ) -> ObservationView | None:
        """Store one check in ONE transaction: its fetch attempts, the observation (None when
        the fetch failed and nothing was learned), the page validators for the next
        conditional request, whatever `on_observation` writes (the alert outbox), and the
        listing's next check time with its check lease cleared (`next_check`), so a process
        killed after the commit neither loses nor repeats the check.

        `validators` are remembered against the new observation; `forget_validators`
        drops them (the page's content must be fetched and read again next time).
        """
        with db.session_scope(self.engine, write=True) as session:
            _add_attempts(session, listing_id, attempts)
            _reschedule(session, listing_id, next_check)
            if observation is None:
                if forget_validators:
                    _forget_validators(session, listing_id)
                return None
            fields = asdict(observation)
            fields["title"] = display_text(observation.title, limit=MAX_TITLE) or None
            row = Observation(listing_id=listing_id, **fields)
            session.add(row)
            session.flush()
            summary.note_observation(session, row)
            if row.title and observation.price is not None:
                _adopt_title(session, listing_id, row.title)
            if validators is not None:
                _remember_validators(session, listing_id, validators, row.id)
            elif forget_validators:
                _forget_validators(session, listing_id)
            if on_observation is not None:
                on_observation(session, row)
            return ObservationView.of(row)

    def record_not_modified(
        self,
        listing_id: int,
        attempts: Sequence[NewFetchAttempt],
        *,
        observed_at: datetime,
        on_observation: ObservationHook | None = None,
        next_check: NextCheck | None = None,
    ) -> ObservationView | None:
        """A 304: re-record the observation the validators belong to, at `observed_at`
        (and reschedule as `record_check` does).

        Returns None (and stores only the attempt) if that observation is gone.
        """
        with db.session_scope(self.engine, write=True) as session:
            _add_attempts(session, listing_id, attempts)
            _reschedule(session, listing_id, next_check)
            validator = session.get(PageValidator, listing_id)
            previous = (
                session.get(Observation, validator.observation_id)
                if validator is not None and validator.observation_id is not None
                else None
            )
            if previous is None:
                return None
            copied = {name: getattr(previous, name) for name in _REPEATED_FIELDS}
            row = Observation(listing_id=listing_id, observed_at=observed_at, **copied)
            session.add(row)
            session.flush()
            summary.note_observation(session, row)
            if on_observation is not None:
                on_observation(session, row)
            return ObservationView.of(row)

    def import_observations(self, listing_id: int, observations: Iterable[NewObservation]) -> int:
        """Append many observations to a listing in one transaction; returns how many."""
        self.get_listing(listing_id)
        table = table_of(Observation)
        count = 0
        names = [f.name for f in fields(NewObservation)]
        # Not `asdict`: it deep-copies every value, the slowest step of a bulk import.
        rows = (
            {"listing_id": listing_id, **{n: getattr(o, n) for n in names}} for o in observations
        )
        with db.session_scope(self.engine, write=True) as session:
            while chunk := list(islice(rows, _BULK_CHUNK)):
                session.execute(sa.insert(table), chunk)
                count += len(chunk)
            summary.rebuild(session.connection(), [listing_id])
        return count


def _through_summary(
    session: Session,
    model: type[Observation] | type[FetchAttempt],
    pointer: Any,
    listing_ids: Iterable[int] | None,
) -> list[Any]:
    """The rows the listings' summaries (None: all summaries) point at, one key lookup
    per listing, as plain rows: building an ORM instance per listing was most of
    `daoshou list` at 10,000 listings."""
    table = table_of(model)
    query = sa.select(table).join(ListingSummary, col(pointer) == table.c.id)
    if listing_ids is not None:
        ids = list(listing_ids)
        if not ids:
            return []
        query = query.where(col(ListingSummary.listing_id).in_(ids))
    return list(session.execute(query))


def _status_select(ids: Sequence[int] | None) -> sa.Select[Any]:
    """Each listing (with its product's name and unit), its newest observation and its
    newest fetch attempt, as the fields of `STATUS_PARTS` in order."""
    listing, product = table_of(Listing), table_of(Product)
    observation, attempt = table_of(Observation), table_of(FetchAttempt)
    summary_ = table_of(ListingSummary)
    sources = (listing, observation, attempt)
    columns = [
        table.c[name] if table is not listing or name in listing.c else product.c[_PRODUCT[name]]
        for view, table in zip(STATUS_PARTS, sources, strict=True)
        for name in field_names(view)
    ]
    query = (
        sa.select(*columns)
        .join(product, product.c.id == listing.c.product_id)
        .outerjoin(summary_, summary_.c.listing_id == listing.c.id)
        .outerjoin(observation, observation.c.id == summary_.c.last_id)
        .outerjoin(attempt, attempt.c.id == summary_.c.attempt_id)
        .order_by(listing.c.id)
    )
    return query if ids is None else query.where(listing.c.id.in_(list(ids)))


def _refuse_tracked(session: Session, canonical: str) -> None:
    existing = session.exec(select(Listing).where(Listing.url == canonical)).first()
    if existing is not None:
        raise StoreError(
            f"{canonical} is already tracked as listing {existing.id}",
            f"see it with: daoshou history {existing.id}",
            zh=(
                f"{canonical} 已作为商品链接 {existing.id} 被跟踪",
                f"用 daoshou history {existing.id} 查看",
            ),
        )


def _find_or_create_product(session: Session, name: str, unit: str) -> Product:
    name = " ".join(name.split())
    query = select(Product).where(sa.func.lower(Product.name) == name.lower())
    product = session.exec(query.order_by(col(Product.id))).first()
    if product is None:
        product = Product(name=name, unit=unit)
        session.add(product)
        session.flush()
    return product


def _adopt_title(session: Session, listing_id: int, title: str) -> None:
    """Name a product that was named after its URL (no --product) after its page title,
    taken from a page that had a price (a login or error page's title is no name)."""
    listing = session.get(Listing, listing_id)
    product = session.get(Product, listing.product_id) if listing is not None else None
    if listing is not None and product is not None and product.name == _name_from(listing.url):
        product.name = name_from_title(title)
        session.add(product)


def name_from_title(title: str) -> str:
    """A product name from a page title, which is untrusted text: control and format
    characters (terminal escapes, bidi overrides) dropped, whitespace collapsed, shortened."""
    return _shortened(display_text(title))


def _name_from(url: str) -> str:
    """A placeholder product name until the user names it: host and path of the URL."""
    return _shortened(url.split("://", 1)[-1])


def _shortened(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _add_attempts(session: Session, listing_id: int, attempts: Sequence[NewFetchAttempt]) -> None:
    for attempt in attempts:
        row = FetchAttempt(listing_id=listing_id, **asdict(attempt))
        session.add(row)
        session.flush()
        summary.note_attempt(session, row)


def _reschedule(session: Session, listing_id: int, next_check: NextCheck | None) -> None:
    """Set the listing's next check time and clear the check lease its checker holds."""
    if next_check is None:
        return
    listing = table_of(Listing)
    session.execute(
        sa.update(listing).where(listing.c.id == listing_id).values(next_check_at=next_check.at)
    )
    if next_check.lease_owner is not None:
        mine = sa.and_(listing.c.id == listing_id, listing.c.check_owner == next_check.lease_owner)
        session.execute(sa.update(listing).where(mine).values(check_owner=None, check_until=None))


def _remember_validators(
    session: Session, listing_id: int, validators: Validators, observation_id: int | None
) -> None:
    row = session.get(PageValidator, listing_id) or PageValidator(listing_id=listing_id)
    row.etag = validators.etag
    row.last_modified = validators.last_modified
    row.observation_id = observation_id
    session.add(row)


def _forget_validators(session: Session, listing_id: int) -> None:
    row = session.get(PageValidator, listing_id)
    if row is not None:
        session.delete(row)
