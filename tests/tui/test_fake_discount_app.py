"""The fake-discount mark as a shopper meets it: on the demo's designed listings and no
others, with forecasts the app itself computes (the product screen's `f`, in its child
process) rather than records a fixture wrote.

Forecasting all 45 demo listings takes too long for a test, so the products forecast are
the designed one and the ordinary products a loose rule would most likely flag: those whose
price stands furthest above its everyday level in the weeks before the coming sale (every
demo page also strikes out a list price ~15% above the price, so each of them claims a
"discount" too).
"""

from datetime import timedelta
from statistics import median

from sqlmodel import select
from textual.widgets import Static

from tracker.checks.forecasts import listing_series
from tracker.store.db import session_scope
from tracker.store.tables import Listing
from tui.demo.catalogue import CATALOGUE
from tui.i18n import t
from tui.screens.product import ProductScreen
from tui.screens.watchlist import WatchlistScreen
from tui.widgets.watch_table import WatchTable

RAISE_WINDOW = timedelta(days=45)  # how far before the sale a raise is looked for
EVERYDAY_WINDOW = timedelta(days=105)  # the everyday level: the 60 days before that
ORDINARY_PRODUCTS = 3


async def _settle(app, pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _designed_slugs() -> set[str]:
    return {
        listing.slug
        for product in CATALOGUE
        if product.behaviour == "fake_discount"
        for listing in product.listings
    }


def _recent_rise(session, listing: Listing) -> float:
    """How far the listing's highest recent price stands above its everyday median."""
    series = listing_series(session, listing)
    if not series.days:
        return 0.0
    last = series.last_day
    recent, everyday = [], []
    for day, price in zip(series.days, series.prices, strict=True):
        if last - day <= RAISE_WINDOW:
            recent.append(price)
        elif last - day <= EVERYDAY_WINDOW:
            everyday.append(price)
    return float(max(recent) / median(everyday)) if recent and everyday else 0.0


def _chosen_products(engine) -> tuple[set[int], set[int]]:
    """(designed product ids, the ordinary products with the largest recent rises)."""
    designed = _designed_slugs()
    rises: dict[int, float] = {}
    fake: set[int] = set()
    with session_scope(engine) as session:
        for listing in session.exec(select(Listing)):
            if listing.sku in designed:
                fake.add(listing.product_id)
                continue
            rise = _recent_rise(session, listing)
            rises[listing.product_id] = max(rises.get(listing.product_id, 0.0), rise)
    ordinary = sorted(set(rises) - fake, key=lambda pid: -rises[pid])[:ORDINARY_PRODUCTS]
    assert rises[ordinary[-1]] > 1.0, "the chosen ordinary products did rise recently"
    return fake, set(ordinary)


async def _forecast_on_its_screen(app, pilot, product_id: int) -> str:
    """Open the product from the watchlist, press `f`, and return its forecast text."""
    table = app.screen.query_one(WatchTable)
    table.move_cursor(row=table.get_row_index(str(product_id)))
    table.focus()
    await pilot.press("enter")
    await _settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, ProductScreen) and screen.product_id == product_id
    await pilot.press("f")
    await _settle(app, pilot)
    assert screen.details.forecasts, "the app stored a forecast for each listing"
    text = str(screen.query_one("#product-forecast", Static).content)
    await pilot.press("escape")
    await _settle(app, pilot)
    assert isinstance(app.screen, WatchlistScreen)
    return text


async def test_the_mark_shows_on_exactly_the_designed_listings(make_app, demo):
    fake, ordinary = _chosen_products(demo.engine)
    mark = "⚠ " + t("mark.fake_discount")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        for product_id in sorted(fake | ordinary):
            text = await _forecast_on_its_screen(app, pilot, product_id)
            assert (mark in text) == (product_id in fake), (product_id, text)
        table = app.screen.query_one(WatchTable)
        assert table.row_count == len(CATALOGUE)
        flagged = set()
        for index in range(table.row_count):
            cells = [getattr(c, "plain", str(c)) for c in table.get_row_at(index)]
            if any(mark in cell for cell in cells):
                flagged.add(int(table.coordinate_to_cell_key((index, 0)).row_key.value))
        assert flagged == fake
        marks = app.screen.data.marks
        assert {pid for pid, m in marks.items() if m.fake_discount} == fake
        assert ordinary <= set(marks), "the ordinary products were forecast, unflagged"
    assert not [n for n in app._notifications if n.severity == "error"]
