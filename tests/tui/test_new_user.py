"""What a new user meets first, driven through Pilot: adding a page by its address, the
cart key on a product already in the cart, the chart's legend, the palette's texts and
the screenshot key on a machine without a Downloads directory."""

import io
import tomllib

import pytest

from tracker.plans.edits import cart_path
from tui.i18n import t
from tui.screens.product import ProductScreen
from tui.widgets.price_chart import PriceChart
from tui.widgets.watch_table import WatchTable


async def _settle(pilot):
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _notes(app):
    return [n.message for n in app._notifications]


async def _find(pilot, name: str) -> None:
    """Once the app has settled, filter the watchlist down to `name` and put the cursor
    on it."""
    await _settle(pilot)
    await pilot.press("slash", *name.lower(), "enter")
    await _settle(pilot)
    table = pilot.app.screen.query_one(WatchTable)
    assert [table.get_row_at(i)[0].plain for i in range(table.row_count)] == [name]


async def test_the_add_dialog_refuses_a_404_and_names_a_page_after_its_title(make_app, shop):
    shop.set_product("p0002", price="88.00", title="Thermos 500ml")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#add-paste").value = shop.product_url("gone")
        await pilot.pause()
        await pilot.click("#add-submit")
        await _settle(pilot)
        assert any("HTTP 404 from 127.0.0.1" in note for note in _notes(app))
        assert app.screen.__class__.__name__ == "AddProductScreen"  # nothing was added
        app.screen.query_one("#add-paste").value = shop.product_url("p0002")
        await pilot.pause()
        assert app.screen.query_one("#add-name").value == ""  # a bare URL has no title
        await pilot.click("#add-submit")  # the refusal's "add anyway" was reset
        for _ in range(200):  # a bound on waiting for the fetch, not a timing assertion
            await _settle(pilot)
            if app.screen.__class__.__name__ != "AddProductScreen":
                break
            await pilot.pause(0.05)
        table = app.screen.query_one(WatchTable)
        names = [table.get_row_at(i)[0].plain for i in range(table.row_count)]
    assert "Thermos 500ml" in names and len(names) == 21  # the 20 demo products and it
    assert not any(shop.product_url("gone").split("//")[1] in name for name in names)


async def test_add_to_cart_on_a_product_in_the_cart_adds_a_pack_not_an_item(make_app):
    """The demo cart holds the AirPods as an item of offers by URL: `b` on them adds one
    to that item's quantity instead of a second AirPods item."""
    before = tomllib.loads(cart_path().read_text(encoding="utf-8"))["item"]
    airpods = next(i for i in before if i["id"] == "airpods")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _find(pilot, "AirPods Pro 2")
        await pilot.press("b")
        await _settle(pilot)
        await pilot.press("b")
        await _settle(pilot)
        errors = [n.message for n in app._notifications if n.severity == "error"]
    after = tomllib.loads(cart_path().read_text(encoding="utf-8"))["item"]
    assert [i["id"] for i in after] == [i["id"] for i in before]
    held = next(i for i in after if i["id"] == "airpods")
    assert held["qty"] == airpods.get("qty", 1) + 2 and held["offer"] == airpods["offer"]
    assert not errors


async def test_the_chart_legend_names_platform_and_shop(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _find(pilot, "AirPods Pro 2")
        await pilot.press("enter")
        await _settle(pilot)
        assert isinstance(app.screen, ProductScreen)
        # The chart spaces each wide character with a zero-width one (cell-true labels).
        drawn = app.screen.query_one(PriceChart).plt.build().replace("\u200b", "")
    for legend in (
        "京东 · Apple 京东自营",
        "天猫 · Apple Store 官方旗舰店",
        "拼多多 · 百亿补贴 数码",
    ):
        assert legend[:24] in drawn
    assert "#" not in "".join(line for line in drawn.splitlines() if "·" in line)


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_every_palette_command_says_what_it_does_in_one_line(make_app, monkeypatch, language):
    from tui import i18n

    monkeypatch.setattr(i18n, "_current", language)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        commands = list(app.get_system_commands(app.screen))
    ours = [c for c in commands if c.title.startswith(tuple(_our_titles()))]
    assert len(ours) >= 10
    for command in commands:
        assert command.help and "\n" not in command.help, command.title
        assert command.help.strip().lower() != command.title.strip().lower(), command.title


def _our_titles() -> list[str]:
    from tui.app import _MODES, PALETTE_ACTIONS

    return [t(f"nav.{mode}") for mode in _MODES] + [
        t(f"palette.{k}") for k, _, _ in PALETTE_ACTIONS
    ]


@pytest.mark.parametrize("downloads", [False, True], ids=["no-downloads", "downloads"])
async def test_the_screenshot_saves_with_or_without_a_downloads_directory(
    make_app, tmp_path, monkeypatch, downloads
):
    """A user without DAOSHOU_HOME: both the app's screenshot action and Textual's own
    palette command save to Downloads when there is one, else to daoshou's own data
    directory, created for it."""
    user = tmp_path / "user"
    user.mkdir()
    if downloads:
        (user / "Downloads").mkdir()
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(pilot)
        monkeypatch.delenv("DAOSHOU_HOME")  # the store is open; only the paths move
        monkeypatch.setenv("HOME", str(user))
        for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_DOWNLOAD_DIR"):
            monkeypatch.delenv(name, raising=False)
        app.action_screenshot(filename="action.svg")
        palette = next(c for c in app.get_system_commands(app.screen) if c.title == "Screenshot")
        palette.callback()
        for _ in range(100):  # the palette's command saves from a thread after a timer
            await pilot.pause(0.05)
            if len(list(user.rglob("*.svg"))) == 2:
                break
        errors = [n.message for n in app._notifications if n.severity == "error"]
    shots = list(user.rglob("*.svg"))
    assert len(shots) == 2 and not errors
    folders = {shot.parent for shot in shots}
    if downloads:
        assert folders == {user / "Downloads"}
    else:
        [folder] = folders
        assert folder.name == "screenshots" and "daoshou" in str(folder)


def test_the_demos_rules_fire_on_live_checks_of_its_shop(home):
    """The demo's seeded rules (a target price on a product, a 5% drop on the bought
    listing) raise their alerts when the demo shop's prices move and a check reads them."""
    import asyncio
    from datetime import UTC, datetime
    from decimal import Decimal

    from sqlmodel import select

    from tracker.checks.check import check_listings
    from tracker.store.db import session_scope
    from tracker.store.repository import Repository
    from tracker.store.tables import AlertEvent, AlertRule
    from tui.demo.session import start_demo

    session = start_demo(datetime.now(UTC), home=home, days=60, move_every=3600)
    try:
        with session_scope(session.engine) as db:
            rules = {r.kind: r for r in db.exec(select(AlertRule))}
        target, drop = rules["target"], rules["drop"]
        by_id = {s.listing_id: s for s in session.seeded.listings}
        cheap = next(
            s for s in session.seeded.listings if s.product_id == target.product_id and s.in_stock
        )
        dropped = by_id[drop.listing_id]
        session.shop.set_product(cheap.listing.slug, price=str(Decimal(target.params["price"]) - 1))
        session.shop.set_product(dropped.listing.slug, price=str(dropped.last_price * 8 / 10))
        repository = Repository(session.engine)
        views = repository.list_listings([cheap.listing_id, dropped.listing_id])
        outcomes = asyncio.run(check_listings(repository, views))
        assert all(o.observation and o.observation.price for o in outcomes)
        with session_scope(session.engine) as db:
            raised = db.exec(select(AlertEvent).where(AlertEvent.observation_id.is_not(None)))
            fired = {(e.rule_id, e.listing_id) for e in raised}
    finally:
        session.close()
    assert (target.id, cheap.listing_id) in fired
    assert (drop.id, dropped.listing_id) in fired


async def test_the_sold_out_product_shows_sold_out_after_live_checks(home):
    """The demo shop's page for the sold-out product still prints a price beside "out of
    stock": after a live check the watchlist says "out of stock" and offers no price."""
    import asyncio
    from datetime import UTC, datetime

    from tracker.checks.check import check_listings
    from tracker.store.repository import Repository
    from tui.app import DaoshouApp
    from tui.context import AppContext
    from tui.demo.session import start_demo

    session = start_demo(datetime.now(UTC), home=home, days=60, move_every=3600)
    try:
        sold_out = [s for s in session.seeded.listings if s.product.behaviour == "out_of_stock"]
        repository = Repository(session.engine)
        views = repository.list_listings([s.listing_id for s in sold_out])
        await asyncio.to_thread(asyncio.run, check_listings(repository, views))
        app = DaoshouApp(AppContext(session.engine, poll_seconds=0, auto_forecast=False))
        async with app.run_test(size=(160, 40)) as pilot:
            await _find(pilot, sold_out[0].product.name)
            table = app.screen.query_one(WatchTable)
            cells = [cell.plain for cell in table.get_row_at(0)]
            (row,) = [r for r in app.screen.data.rows if r.name == sold_out[0].product.name]
    finally:
        session.close()
    assert t("status.out_of_stock") in cells and row.best is None
    shown = " ".join(cells).replace(",", "")  # the price the sold-out pages print is not
    assert not any(f"{s.listing.base_price:.0f}" in shown for s in sold_out)  # offered


def _keys_shown(app) -> str:
    """The text of the `?` panel's key table, as drawn."""
    from rich.console import Console

    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.screen.query_one("BindingsTable").render_bindings_table())
    return console.export_text()


async def test_question_mark_lists_the_keys_of_the_screen_it_is_pressed_on(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _find(pilot, "AirPods Pro 2")
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        product_keys = _keys_shown(app)
        await pilot.press("question_mark", "escape")
        await _settle(pilot)
        await pilot.press("p")  # the planner
        await _settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        planner_keys = _keys_shown(app)
    for action in ("product.forecast", "nav.pause", "nav.refresh"):  # r is hidden from the footer
        assert t(action) in product_keys
    for action in ("plan.optimise", "plan.export"):
        assert t(action) in planner_keys and t(action) not in product_keys


async def test_quitting_while_a_check_waits_on_a_stalled_shop_abandons_it(home):
    """A shop that accepts the request and never answers: `q` ends the app at once, the
    check's worker is cancelled rather than waited for, and no price is stored for it."""
    from datetime import UTC, datetime

    from textual.worker import WorkerState

    from tracker.queries.watchlist import latest_observation_id
    from tui.app import DaoshouApp
    from tui.context import AppContext
    from tui.demo.session import start_demo

    session = start_demo(datetime.now(UTC), home=home, days=60, move_every=3600)
    try:
        product = session.seeded.listings[0].product
        slugs = [s.listing.slug for s in session.seeded.listings if s.product is product]
        for slug in slugs:
            session.shop.fault(slug, "timeout", count=10, seconds=600)
        before = latest_observation_id(session.engine)
        app = DaoshouApp(AppContext(session.engine, poll_seconds=0, auto_forecast=False))
        async with app.run_test(size=(160, 40)) as pilot:
            await _find(pilot, product.name)
            await pilot.press("c")
            for _ in range(400):  # a bound on waiting for the request to reach the shop
                if any(r.path.endswith(tuple(slugs)) for r in session.shop.log()):
                    break
                await pilot.pause(0.05)
            (worker,) = [w for w in app.workers if w.group == "check-now"]
            assert worker.state == WorkerState.RUNNING
            await pilot.press("q")
        assert worker.state == WorkerState.CANCELLED
        assert latest_observation_id(session.engine) == before
    finally:
        session.close()


async def test_quitting_while_a_products_forecast_runs_terminates_it(make_app):
    """The product screen's forecast runs in a child process like the watchlist's: `q`
    cancels its worker and terminates the child instead of waiting for Prophet."""
    from textual.worker import WorkerState

    from tui.background import running_children

    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _find(pilot, "AirPods Pro 2")
        await pilot.press("enter")
        await _settle(pilot)
        await pilot.press("f")
        for _ in range(1200):  # a bound on waiting for the child to start, not a timing
            if running_children():
                break
            await pilot.pause(0.05)
        assert running_children() == 1, "the forecast runs in a child process"
        (worker,) = [w for w in app.workers if w.group == "product-forecast"]
        await pilot.press("q")
    assert worker.state == WorkerState.CANCELLED
    assert running_children() == 0
    assert not [n.message for n in app._notifications if n.severity == "error"]
