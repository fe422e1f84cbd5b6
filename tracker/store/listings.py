"""Products and listings in the store: adding, finding, pausing and listing them.

`ListingStore` also owns the engine (opened on first use) that every part of
`tracker.store.repository.Repository` works through; the other parts build on it.
Every method is one unit of work (one session, one transaction) and returns frozen
snapshots from `tracker.store.views`, never live rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from planner.display import display_text
from planner.errors import DaoshouError
from planner.packs import Pack, parse_pack
from tracker.errors import StoreError, no_such_listing
from tracker.platforms import detect_platform, normalise_url, sku_from_url
from tracker.store import db
from tracker.store.tables import (
    Listing,
    ListingSummary,
    Product,
    table_of,
)
from tracker.store.views import (
    STATUS_PARTS,
    ListingStatus,
    ListingView,
    ProductView,
    field_names,
    summary_column,
)

_PER_PACK_STEP = Decimal("0.0001")  # the store keeps quantities to 4 decimal places
_PRODUCT = {"product_name": "name", "unit": "unit"}  # a ListingView's fields of the product


class ListingStore:
    """The store's products and listings. Built on an engine; by default the user's own
    database."""

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
                raise no_such_listing(listing_id)
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
                raise no_such_listing(named)
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


def _status_select(ids: Sequence[int] | None) -> sa.Select[Any]:
    """Each listing (with its product's name and unit), its newest observation and its
    newest fetch attempt (both as its summary keeps them), as the fields of
    `STATUS_PARTS` in order."""
    listing, product = table_of(Listing), table_of(Product)
    summary_ = table_of(ListingSummary)
    columns = [
        listing.c[name] if name in listing.c else product.c[_PRODUCT[name]]
        for name in field_names(ListingView)
    ] + [
        summary_.c[summary_column(view, name)]
        for view in STATUS_PARTS[1:]
        for name in field_names(view)
    ]
    query = (
        sa.select(*columns)
        .join(product, product.c.id == listing.c.product_id)
        .outerjoin(summary_, summary_.c.listing_id == listing.c.id)
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


def adopt_title(session: Session, listing_id: int, title: str) -> None:
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
