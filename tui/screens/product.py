"""ProductScreen: one product's price history per listing, the listings across platforms
with their last check, forecasts, alert rules, purchases and price-protection deadlines.

Reading runs in one worker, forecasting (Prophet, seconds) in another, checking (httpx)
in an async worker; each posts its result and the screen redraws that part only.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Label, Static

from tracker.platforms import platform_name
from tracker.queries.product_detail import ProductDetails, load_product, sale_days
from tracker.queries.watch_rows import ForecastMark, ListingQuote
from tui import format as fmt
from tui.context import AppContext
from tui.i18n import current_language, reason_text, t
from tui.messages import (
    ForecastsMade,
    ForecastsStored,
    ListingsPaused,
    PricesRecorded,
    ProductLoaded,
    WorkFinished,
)
from tui.phrases import rule_text
from tui.screens.base import DaoshouScreen
from tui.text import safe_content, safe_lines, safe_text
from tui.widgets.columns import Column, add_fixed_columns, cursor_key, fit_columns, table_room
from tui.widgets.price_chart import ChartBand, ChartEvent, ChartLine, PriceChart


class ProductScreen(DaoshouScreen):
    """Chart on top; listings, forecast, rules and purchases below."""

    AUTO_FOCUS = "#listing-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", t("nav.back")),
        Binding("c", "check", t("nav.check")),
        Binding("space", "pause", t("nav.pause")),
        Binding("f", "forecast", t("product.forecast")),
        Binding("r", "refresh", t("nav.refresh"), show=False),  # listed by `?`
    ]

    def __init__(self, context: AppContext, product_id: int) -> None:
        super().__init__(context)
        self.product_id = product_id
        self.details: ProductDetails | None = None
        self.explanations: dict[int, tuple[str, str]] = {}  # listing id -> (zh, en)
        self.forecasting = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield PriceChart(id="price-chart")
        with Horizontal(id="product-bottom"):
            yield DataTable(id="listing-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="product-side"):
                yield Label(t("product.forecast"), classes="section-title")
                yield Static(id="product-forecast")
                yield Label(t("product.promotions"), classes="section-title")
                yield Static(id="product-promotions")
                yield Label(t("product.rules"), classes="section-title")
                yield Static(id="product-rules")
                yield Label(t("product.purchases"), classes="section-title")
                yield Static(id="product-purchases")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#product-forecast", Static).update(safe_content("…"))
        self.action_refresh()

    def action_refresh(self) -> None:
        """Read the product again."""
        self.run_blocking(self._read, group="product-read")

    def _read(self) -> None:
        today = self.context.now().date()
        self.post_result(ProductLoaded(load_product(self.context.engine, self.product_id, today)))

    def action_forecast(self) -> None:
        """Forecast every listing's next sale now (Prophet: seconds per listing)."""
        if self.details is not None and not self.forecasting:
            self.forecasting = True
            self.query_one("#product-forecast", Static).update(safe_content("…"))
            ids = _forecastable(self.details)
            self.run_blocking(self._forecast, ids, group="product-forecast")

    def _forecast(self, listing_ids: list[int]) -> None:
        from tracker.checks.forecasts import forecast_next_sales_in

        url = self.context.url
        sales = self.in_child(forecast_next_sales_in, url, listing_ids, self.context.now().date())
        self.post_result(ForecastsMade(sales.made, sales.problems))

    def on_prices_recorded(self, message: PricesRecorded) -> None:
        self.action_refresh()

    def on_forecasts_stored(self, message: ForecastsStored) -> None:
        self.action_refresh()

    def on_product_loaded(self, message: ProductLoaded) -> None:
        first = self.details is None
        self.details = message.details
        self.sub_title = message.details.row.name
        self._fill_listings(message.details)
        self._fill_side(message.details)
        self._show_forecasts()
        self._draw_chart()
        wanted = len(_forecastable(message.details))
        if first and self.context.auto_forecast and len(message.details.forecasts) < wanted:
            self.action_forecast()

    def on_forecasts_made(self, message: ForecastsMade) -> None:
        self.forecasting = False
        self.explanations.update({lid: (zh, en) for lid, zh, en in message.explanations})
        if message.problems:
            self.app.notify("; ".join(message.problems), severity="warning", markup=False)
        self.announce(ForecastsStored)

    def _fill_listings(self, details: ProductDetails) -> None:
        table = self.query_one("#listing-table", DataTable)
        now = self.context.now()
        selected = cursor_key(table)
        rows = [self._listing_cells(details, q, now) for q in details.row.listings]
        table.clear(columns=True)
        fitted = fit_columns(_listing_columns(), rows, table_room(table))
        add_fixed_columns(table, fitted)
        keys = [c.key for c in _listing_columns()]
        shown = [keys.index(key) for key, _, _ in fitted]
        for q, cells in zip(details.row.listings, rows, strict=True):
            table.add_row(*(cells[i] for i in shown), key=str(q.listing_id))
        if selected is not None and any(
            str(q.listing_id) == selected for q in details.row.listings
        ):
            table.move_cursor(row=table.get_row_index(selected))  # stay where the user was

    def _listing_cells(self, details: ProductDetails, q: Any, now: datetime) -> list[Text]:
        unit = details.row.unit
        if not q.active:
            status = Text(t("status.paused"), style="dim")
        elif q.reason:
            status = safe_text(
                t("status.no_price", reason=reason_text(q.reason)), "yellow", cells=40
            )
        elif q.in_stock is False:
            status = Text(t("status.out_of_stock"), style="red")
        elif q.checked_at is None:
            status = Text(t("status.not_checked"), style="dim")
        else:
            status = Text(t("status.ok"), style="green")
        best = details.row.best is not None and details.row.best.listing_id == q.listing_id
        return [
            Text(platform_name(q.platform), style="bold" if best else ""),
            Text(fmt.money(q.price, q.currency), justify="right"),
            Text(fmt.per_unit(q.per_unit, unit, q.currency), justify="right"),
            status,
            safe_text(q.shop or "-", cells=30),
            safe_text(q.pack or "-", cells=16),
            fmt.change(q.change, q.currency),
            Text(fmt.ago(q.checked_at, now)),
        ]

    def _fill_side(self, details: ProductDetails) -> None:
        rules = [
            f"#{r.rule_id} {rule_text(r.kind, r.params, fired=not r.armed)}"
            for r in details.rules
            if r.active
        ]
        self.query_one("#product-rules", Static).update(
            safe_lines(rules or [t("product.no_rules")])
        )
        lines = []
        for p in details.purchases:
            line = (
                f"{p.bought_at.date()} {platform_name(p.platform)} "
                f"{fmt.money(p.price, p.currency)} ×{p.quantity}"
            )
            if p.protect_until:
                line += "  " + t("product.protect_until", date=p.protect_until)
            lines.append(line)
        self.query_one("#product-purchases", Static).update(
            safe_lines(lines or [t("product.no_purchases")])
        )
        self.query_one("#product-promotions", Static).update(
            safe_lines(_promotion_lines(details) or [t("product.no_promotions")])
        )

    def _show_forecasts(self) -> None:
        details = self.details
        if details is None:
            return
        zh = current_language() == "zh"
        lines = []
        for mark in details.forecasts:
            head = platform_name(details.quote(mark.listing_id).platform)
            advice = t(f"advice.{mark.advice}") if mark.advice in ("buy", "wait") else ""
            if advice and mark.is_stale(details.quote(mark.listing_id).price):
                made_for = fmt.money(mark.made_for, mark.currency)
                advice = t("advice.at", advice=advice, price=made_for)
            lines.append(
                f"{head}: {mark.event_date} {fmt.money(mark.point, mark.currency)} "
                f"({fmt.money(mark.lower, mark.currency)}–{fmt.money(mark.upper, mark.currency)})"
                f" {advice}"
            )
            if mark.fake_discount:
                note = mark.fake_note_zh if zh else mark.fake_note_en
                lines.append(f"  ⚠ {t('mark.fake_discount')}: {note or ''}")
        best = details.row.best
        explained = self.explanations.get(best.listing_id) if best else None
        if explained:
            lines += ["", explained[0] if zh else explained[1]]
        text = lines or [t("product.no_forecast") + ("  (f)" if not self.forecasting else " …")]
        self.query_one("#product-forecast", Static).update(safe_lines(text))

    def _draw_chart(self) -> None:
        details = self.details
        if details is None:
            return
        today = self.context.now().date()
        by_unit = bool(details.row.listings) and all(q.per_pack for q in details.row.listings)
        lines = []
        for q in details.row.listings:
            points = details.history.get(q.listing_id, ())
            if by_unit and q.per_pack:
                points = tuple((d, p / q.per_pack) for d, p in points)
            lines.append(ChartLine(_legend(q), points))
            hand = _in_hand_points(details, q, by_unit)
            if hand:
                label = f"{_legend(q)} {t('product.in_hand')}"
                lines.append(ChartLine(label, hand, in_hand=True))
        bands = [
            _band(m, details, by_unit)
            for m in details.forecasts
            if m.point is not None and m.lower is not None and m.upper is not None
        ]
        horizon = max([today, *(b.day for b in bands)])
        platforms = {q.platform for q in details.row.listings}
        days = sale_days(platforms, today - timedelta(days=800), horizon)
        zh = current_language() == "zh"
        events = [ChartEvent(day, zh_name if zh else en_name) for day, zh_name, en_name in days]
        title = t("product.history") + (f" /{fmt.unit_label(details.row.unit)}" if by_unit else "")
        self.query_one(PriceChart).show(lines, events, bands, today, title)

    def action_back(self) -> None:
        """Back to the watchlist."""
        self.app.pop_screen()

    def action_check(self) -> None:
        """Check this product's listings now."""
        if self.details is not None:
            self.check_now([q.listing_id for q in self.details.row.listings if q.active])

    def action_pause(self) -> None:
        """Pause the selected listing (its history, rules and forecasts stay; it is no
        longer checked nor offered as the best price), or resume a paused one."""
        key = cursor_key(self.query_one("#listing-table", DataTable))
        if self.details is None or key is None:
            return
        resume = not self.details.quote(int(key)).active
        self.run_blocking(self._set_active, int(key), resume, group="product-pause")

    def _set_active(self, listing_id: int, active: bool) -> None:
        self.context.repository.set_active([listing_id], active)
        key = "product.resumed" if active else "product.paused"
        named = _legend(self.details.quote(listing_id)) if self.details else f"#{listing_id}"
        self.post_result(WorkFinished(t(key, listing=named)))  # as the shopper knows it
        self.announce(ListingsPaused)

    def on_work_finished(self, message: WorkFinished) -> None:
        if message.text:
            self.app.notify(message.text, severity=message.severity, markup=False)
        self.action_refresh()


def _listing_columns() -> list[Column]:
    """The listings table's columns, the ones a narrow terminal keeps first."""
    return [
        Column("platform", t("product.platform"), 6, 10),
        Column("price", t("product.price"), 9, 14, rank=1),
        Column("per_unit", t("watch.per_unit"), 9, 18, rank=2),
        Column("status", t("watch.status"), 8, 40, rank=3, flexible=True),
        Column("shop", t("product.shop"), 8, 30, rank=5, flexible=True),
        Column("pack", t("product.pack"), 6, 16, rank=6),
        Column("change", t("watch.change"), 6, 12, rank=7),
        Column("checked", t("product.checked"), 4, 8, rank=4),
    ]


def _promotion_lines(details: ProductDetails) -> list[str]:
    """Per listing: its in-hand price (one unit alone) and what its page stated."""
    lines = []
    for q in details.row.listings:
        recorded = details.offers.get(q.listing_id)
        if recorded is None or not (recorded.promotions or recorded.in_hand is not None):
            continue
        head = platform_name(q.platform)
        if recorded.in_hand is not None:
            head += f" {t('product.in_hand')} {fmt.money(recorded.in_hand, q.currency)}"
        lines.append(head)
        lines.extend(f"  {text}" for text in recorded.promotions)
    return lines


def _legend(q: Any) -> str:
    """A chart line's name as the shopper knows it: platform and shop, not an id."""
    return platform_name(q.platform) + (f" · {q.shop}" if q.shop else "")


def _forecastable(details: ProductDetails) -> list[int]:
    """The listings worth forecasting: checked on their interval and priced at least once."""
    return [q.listing_id for q in details.row.listings if q.active and q.price is not None]


def _in_hand_points(
    details: ProductDetails, q: ListingQuote, by_unit: bool
) -> tuple[tuple[date, Decimal], ...]:
    """The listing's in-hand series on the chart's scale, or () when it never differs
    from the sticker price (a second identical line says nothing)."""
    points = details.in_hand.get(q.listing_id, ())
    sticker = dict(details.history.get(q.listing_id, ()))
    if all(sticker.get(day) == price for day, price in points):
        return ()
    if by_unit and q.per_pack:
        return tuple((d, p / q.per_pack) for d, p in points)
    return points


def _band(mark: ForecastMark, details: ProductDetails, by_unit: bool) -> ChartBand:
    """The forecast band on the chart's scale (per unit when the chart is per unit)."""
    quote = details.quote(mark.listing_id)
    divisor = quote.per_pack if by_unit and quote.per_pack else Decimal(1)
    assert mark.point is not None and mark.lower is not None and mark.upper is not None
    return ChartBand(
        date.fromisoformat(mark.event_date),
        mark.point / divisor,
        mark.lower / divisor,
        mark.upper / divisor,
    )
