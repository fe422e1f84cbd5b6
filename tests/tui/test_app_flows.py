"""The app's main flows driven through Pilot: watch, add, open, cart, plan, export, live."""

from datetime import timedelta
from decimal import Decimal

import openpyxl
import sqlalchemy as sa
from textual.widgets import Button, DataTable

from tracker.plans.edits import cart_path
from tracker.store import summary
from tracker.store.tables import Listing, Observation
from tui.i18n import t
from tui.screens.planner import PlannerScreen
from tui.screens.product import ProductScreen
from tui.widgets.watch_table import WatchTable

HOSTILE = "[bold]USB-C cable [2-pack][/] \x1b[31m[link=https://x.example]"


async def _settle(app, pilot):
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def _notes(app):
    return [n.message for n in app._notifications]


def _record_price(engine, listing_id: int, now, price: str, title: str) -> None:
    """What another process checking the listing a minute after `now` would store."""
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Observation.__table__),
            [
                {
                    "listing_id": listing_id,
                    "observed_at": now + timedelta(minutes=1),
                    "price": Decimal(price),
                    "currency": "CNY",
                    "in_stock": True,
                    "is_from_price": False,
                    "title": title,
                    "source": "test",
                }
            ],
        )
        summary.rebuild(conn, [listing_id])


def _cell_texts(table: DataTable, column: int = 0) -> list[str]:
    return [table.get_row_at(i)[column].plain for i in range(table.row_count)]


async def test_watchlist_shows_every_demo_product_and_filters(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        assert table.row_count == 20
        await pilot.press("slash", *"airpods")
        await _settle(app, pilot)
        assert _cell_texts(table) == ["AirPods Pro 2"]
        await pilot.press("escape")
        assert table.row_count == 20
        await pilot.press("slash", *"iphone", "enter")  # enter: from the box to the table
        await _settle(app, pilot)
        assert app.focused is table and _cell_texts(table) == ["iPhone 16 128GB"]
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, ProductScreen) and app.screen.product_id == 16
        assert not _notes(app)


# A loopback port nothing listens on: the page's first fetch is refused at once, offline,
# and the dialog offers to add it anyway.
SHARE = "【京东】http://127.0.0.1:9/item/100012043978.html 「" + HOSTILE + "」点击链接直接打开"


async def _refused_share_text(app, pilot) -> Button:
    """Paste SHARE into the add dialog and submit it: the refusal, and the button that
    now offers to add the page anyway."""
    await _settle(app, pilot)
    await pilot.press("a")
    await pilot.pause()
    app.screen.query_one("#add-paste").value = SHARE
    await pilot.pause()
    assert (
        app.screen.query_one("#add-name").value
        == "[bold]USB-C cable [2-pack][/] [link=https://x.example]"
    )
    await pilot.click("#add-submit")
    await _settle(app, pilot)
    assert any("connection refused by 127.0.0.1" in note for note in _notes(app))
    force = app.screen.query_one("#add-submit", Button)
    assert str(force.label) == t("add.force")
    return force


async def test_a_share_text_whose_page_is_refused_is_not_added(make_app, demo):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _refused_share_text(app, pilot)
        assert app.screen.__class__.__name__ == "AddProductScreen"  # the dialog stays
    with demo.engine.connect() as conn:
        urls = conn.execute(sa.select(Listing.__table__.c.url)).scalars().all()
    assert "http://127.0.0.1:9/item/100012043978.html" not in urls


async def test_a_refused_share_text_is_added_when_forced(make_app, demo):
    app = make_app()
    shown = []  # every notification, kept past its toast's timeout
    notify = app.notify
    app.notify = lambda message, **options: (shown.append(message), notify(message, **options))
    async with app.run_test(size=(160, 40)) as pilot:
        force = await _refused_share_text(app, pilot)
        # A button ignores presses for 0.2 s after one (Textual's "-active" effect): the
        # refusal comes back sooner than that from a closed port, sooner than a person
        # could read it and click again.
        while force.has_class("-active"):
            await pilot.pause(0.05)
        await pilot.click("#add-submit")
        for _ in range(200):  # the forced add fetches once more, then the dialog closes
            await _settle(app, pilot)
            if app.screen.__class__.__name__ != "AddProductScreen":
                break
            await pilot.pause(0.05)
        assert app.screen.__class__.__name__ != "AddProductScreen", shown
        table = app.screen.query_one(WatchTable)
        assert table.row_count == 21
        names = _cell_texts(table)
        assert "[bold]USB-C cable [2-pack][" in "\n".join(names)  # literal, cut to the column
    with demo.engine.connect() as conn:
        urls = conn.execute(sa.select(Listing.__table__.c.url)).scalars().all()
    assert "http://127.0.0.1:9/item/100012043978.html" in urls
    assert any("first check: fetch failed" in note for note in shown)


async def test_adding_a_tracked_url_again_is_a_notification_not_a_crash(make_app, demo):
    app = make_app()
    url = demo.seeded.listings[0].url
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#add-paste").value = url
        await pilot.pause()
        await pilot.click("#add-submit")
        await _settle(app, pilot)
        assert any("already tracked" in note for note in _notes(app))
        assert app.screen.__class__.__name__ == "AddProductScreen"


async def test_open_a_product_shows_its_listings_and_forecasts(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ProductScreen)
        listings = screen.query_one("#listing-table", DataTable)
        assert listings.row_count == 3  # AirPods: JD, Tmall, PDD
        assert screen.details.forecasts == ()
        await pilot.press("f")  # the forecaster (Prophet) runs in a worker, then stores
        await _settle(app, pilot)
        assert len(screen.details.forecasts) == 3
        assert {m.event_key for m in screen.details.forecasts} == {"double12-2026"}
        assert screen.explanations
        await pilot.press("escape")
        await _settle(app, pilot)
        marks = app.screen.data.marks
        assert marks[5].advice in ("buy", "wait")


async def test_build_a_cart_optimise_and_export(make_app, demo):
    cart_path().unlink()
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("b", "down", "b", "b")  # AirPods once, iPhone twice
        await _settle(app, pilot)
        await pilot.press("p")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PlannerScreen)
        plan = screen.view.plan
        assert [(i.id, i.qty) for i in plan.priced.items] == [("p5", 1), ("p16", 2)]
        assert plan.total > 0
        await pilot.press("e")
        await _settle(app, pilot)
    sheet = openpyxl.load_workbook(cart_path().with_name("budget.xlsx"))
    assert sheet.sheetnames


async def test_the_demo_cart_plans_with_presale_coupons_and_subsidies(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("p")
        await _settle(app, pilot)
        plan = app.screen.view.plan
        kinds = {step.kind for item in plan.priced.items for step in item.steps}
        assert {"presale", "cross_store", "subsidy"} <= kinds
        assert plan.priced.payments and len({p.date for p in plan.priced.payments}) == 2
        assert plan.saving is not None and plan.saving >= 0


async def test_new_observations_appear_live_and_replan(make_app, demo, now):
    app = make_app()
    airpods_jd = next(s for s in demo.seeded.listings if s.listing.slug == "jd-airpods-pro-2")
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("p")
        await _settle(app, pilot)
        before = app.screen.view.plan.total
        app.poll_observations()  # first poll: remembers where the store is
        await _settle(app, pilot)
        _record_price(demo.engine, airpods_jd.listing_id, now, "999.00", "AirPods Pro 2")
        app.poll_observations()
        await _settle(app, pilot)
        after = app.screen.view.plan.total
        assert after < before
        assert any("Plan changed" in note for note in _notes(app))
        await pilot.press("w")
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        row = table.get_row("5")
        assert row[2].plain == "¥999.00"


async def test_hostile_titles_render_literally_in_the_watchlist(make_app, demo):
    with demo.engine.begin() as conn:
        conn.execute(sa.text("UPDATE product SET name = :name WHERE id = 1"), {"name": HOSTILE})
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        names = _cell_texts(table)
        assert "[bold]USB-C cable [2-pack][" in names[0] + names[-1]  # literal, not markup
        assert not any("\x1b" in name for name in names)
        assert not _notes(app)


async def test_a_long_watchlist_fills_in_chunks_and_keeps_the_cursor(engine, now):
    from dataclasses import replace

    from tui.app import DaoshouApp
    from tui.context import AppContext
    from tui.demo.catalogue import CATALOGUE
    from tui.demo.seed import seed_demo

    catalogue = [
        replace(
            CATALOGUE[n % 20],
            name=f"item {n:03d}",
            listings=(replace(CATALOGUE[n % 20].listings[0], slug=f"s{n}"),),
        )
        for n in range(300)
    ]
    seed_demo(engine, now, catalogue=catalogue, days=3)
    app = DaoshouApp(AppContext(engine, clock=lambda: now, poll_seconds=0, auto_forecast=False))
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        assert table.row_count == 300
        table.move_cursor(row=250)
        app.screen.reload()
        await _settle(app, pilot)
        assert table.row_count == 300
        assert table.cursor_row == 250
        assert table.get_row_at(250)[0].plain == "item 250"


async def test_the_app_speaks_chinese(make_app, monkeypatch):
    from tui import i18n

    monkeypatch.setattr(i18n, "_current", "zh")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        headers = [column.label.plain for column in table.ordered_columns]
        assert headers[:3] == ["商品", "平台", "最低到手"]
        status = app.screen.query_one("#watch-status").render()
        assert "20/20 件商品" in str(status)


async def test_sorting_by_key_and_by_clicking_a_header(make_app):
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        table = screen.query_one(WatchTable)
        await pilot.press("s")  # product -> best price
        await _settle(app, pilot)
        assert screen.sort == "best"
        prices = [table.get_row_at(i)[2].plain for i in range(table.row_count)]
        values = [float(p.strip("¥").replace(",", "")) for p in prices if p != "-"]
        assert values == sorted(values)
        assert prices[-1] == "-"  # no price sorts last
        await pilot.click(WatchTable, offset=(2, 0))  # the "Product" header
        await _settle(app, pilot)
        assert screen.sort == "product" and not screen.reverse
        await pilot.pause(0.6)  # two clicks closer than ~0.5 s would be a double click
        await pilot.click(WatchTable, offset=(2, 0))
        await _settle(app, pilot)
        assert screen.reverse


async def test_an_empty_store_says_what_to_do_on_every_screen(engine, now):
    from tui.app import DaoshouApp
    from tui.context import AppContext

    app = DaoshouApp(AppContext(engine, clock=lambda: now, poll_seconds=0, auto_forecast=False))
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        assert "Press a to paste" in str(app.screen.query_one("#watch-status").render())
        await pilot.press("p")
        await _settle(app, pilot)
        assert "press b to put a product" in str(app.screen.query_one("#plan-saving").render())
        await pilot.press("l")
        await _settle(app, pilot)
        inbox = app.screen.query_one("#inbox-table", DataTable)
        assert inbox.get_row_at(0)[1].plain == "No alerts yet."
        await pilot.press("e")  # nothing to export: a warning, not a crash
        await pilot.press("p", "e")
        await _settle(app, pilot)
        assert any("cart is empty" in note for note in _notes(app))


async def test_switching_the_language_in_settings_relabels_the_screens(make_app, monkeypatch):
    from textual.widgets import Select

    from tui import i18n

    monkeypatch.setattr(i18n, "_current", "en")
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        await pilot.press("comma")
        await _settle(app, pilot)
        app.screen.query_one("#settings-language", Select).value = "zh"
        await _settle(app, pilot)
        assert app.screen.query_one("#settings-language", Select).value == "zh"
        await pilot.press("w")
        await _settle(app, pilot)
        headers = [c.label.plain for c in app.screen.query_one(WatchTable).ordered_columns]
        assert headers[0] == "商品"
        assert app.screen.query_one(WatchTable).row_count == 20


async def test_new_prices_rewrite_only_their_rows(make_app, demo, now):
    app = make_app()
    iphone_pdd = next(s for s in demo.seeded.listings if s.listing.slug == "pdd-iphone16")
    async with app.run_test(size=(160, 40)) as pilot:
        await _settle(app, pilot)
        table = app.screen.query_one(WatchTable)
        generation = table.generation
        app.poll_observations()
        await _settle(app, pilot)
        _record_price(demo.engine, iphone_pdd.listing_id, now, "4999.00", "iPhone 16")
        app.poll_observations()
        await _settle(app, pilot)
        row = table.get_row(str(iphone_pdd.product_id))
        assert row[2].plain == "¥4,999.00"
        assert row[4].plain.startswith("▼")
        assert table.generation == generation  # updated in place, not rebuilt
        assert table.row_count == 20


async def test_changing_quantities_replans_without_a_plan_changed_alert(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("p")
        await _settle(app, pilot)
        screen = app.screen
        first = screen.view.plan.priced.items[0]
        await pilot.press("plus")
        await _settle(app, pilot)
        assert screen.view.plan.priced.items[0].qty == first.qty + 1
        await pilot.press("minus", "minus", "minus")
        await _settle(app, pilot)
        assert first.id not in {item.id for item in screen.view.plan.priced.items}
        assert not any("Plan changed" in note for note in _notes(app))


async def test_pausing_a_listing_keeps_it_shown_but_never_the_best_price(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        watch = app.screen
        await pilot.press("enter")
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ProductScreen)
        best = screen.details.row.best.listing_id
        table = screen.query_one("#listing-table", DataTable)
        table.move_cursor(row=table.get_row_index(str(best)))
        await pilot.press("space")
        await _settle(app, pilot)
        assert not app.context.repository.list_listings([best])[0].active
        assert screen.details.row.listings[table.get_row_index(str(best))].active is False
        assert table.row_count == 3, "a paused listing stays on the product screen"
        status = table.get_cell(str(best), "status").plain
        assert "paused" in status
        assert screen.details.row.best.listing_id != best
        row = next(r for r in watch.data.rows if r.product_id == screen.product_id)
        assert best not in {q.listing_id for q in row.listings}
        shop = screen.details.quote(best).shop  # named as the shopper knows it, not by id
        assert any(note.startswith("paused ") and shop in note for note in _notes(app))
        await pilot.press("space")  # the cursor is still on it: resume
        await _settle(app, pilot)
        assert app.context.repository.list_listings([best])[0].active
        assert screen.details.row.best.listing_id == best


async def test_quitting_while_forecasts_run_abandons_them_at_once(make_app):
    """The forecasts run in a child process: quitting terminates it and cancels the
    worker waiting for it, instead of waiting minutes for Prophet to finish."""
    import asyncio

    from textual.worker import WorkerState

    from tui.background import running_children

    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("f")
        deadline = asyncio.get_running_loop().time() + 60  # a bound on waiting only
        while running_children() == 0 and asyncio.get_running_loop().time() < deadline:
            await pilot.pause(0.05)
        assert running_children() == 1, "the forecasts run in a child process"
        (worker,) = [w for w in app.workers if w.group == "watchlist-forecast"]
        await pilot.press("q")
    assert app.return_code == 0
    assert worker.state == WorkerState.CANCELLED
    assert running_children() == 0
    errors = [n.message for n in app._notifications if n.severity == "error"]
    assert not errors


async def test_check_now_says_per_platform_what_failed_as_a_warning(make_app, monkeypatch):
    """The demo store without its shop: every fetch fails for real (the demo host does not
    resolve); the toast names each platform, in Chinese words, and is a warning."""
    from tui import i18n

    monkeypatch.setattr(i18n, "_current", "zh")
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        await _settle(app, pilot)
        await pilot.press("enter")  # AirPods: JD, Tmall, PDD
        await _settle(app, pilot)
        await pilot.press("c")
        await _settle(app, pilot)
        [toast] = [n for n in app._notifications if "抓取失败" in n.message]
    assert toast.severity == "warning"
    lines = toast.message.splitlines()
    assert [line.split("：")[0] for line in lines] == ["京东", "天猫", "拼多多"]
    assert all("网络错误" in line and "not found" not in line for line in lines), lines
