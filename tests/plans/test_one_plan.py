"""The app, the command line and the service give the same plan for the same saved cart
and store: the planner screen's worker (`compute_plan`), `daoshou plan NAME --json` as a
process, and the re-plan that follows a check (`follow_prices`) all buy each item from
the same offer at the same in-hand price, for the same total."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

from tests.processes import daoshou
from tests.shop_fixture import LOOPBACK_RECIPE, shop  # noqa: F401
from tracker.plans.carts import memo_file
from tracker.plans.follow import follow_prices
from tracker.store.db import dispose_engines, open_engine
from tui.screens.planner import compute_plan


def _cart(ids):
    kettle, coupon_kettle, mug = ids
    return (
        'currency = "CNY"\n'
        '[[item]]\nid = "kettle"\nname = "kettle"\n'
        f"[[item.offer]]\nlisting = {kettle}\n[[item.offer]]\nlisting = {coupon_kettle}\n"
        '[[item]]\nid = "mug"\nname = "mug"\nqty = 2\n'
        f"[[item.offer]]\nlisting = {mug}\n"
    )


def test_app_cli_and_service_plan_a_cart_alike(tmp_path, shop, monkeypatch):  # noqa: F811
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")
    (home / "config" / "recipes.toml").write_text(LOOPBACK_RECIPE, encoding="utf-8")
    monkeypatch.setenv("DAOSHOU_HOME", str(home))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    env = dict(os.environ)
    # The cheaper kettle on the sticker is the dearer one in hand: its rival's instant
    # discount decides, so every caller must apply the promotions recorded with it.
    shop.set_product("k1", price="129.00", title="Kettle A")
    shop.set_product("k2", price="139.00", title="Kettle B", promotion="官方立减20")
    shop.set_product("mug", price="25.50", title="Mug")
    ids = [
        daoshou(env, "add", shop.product_url(s), "--product", s)["id"] for s in ("k1", "k2", "mug")
    ]
    daoshou(env, "check")
    cart = tmp_path / "kitchen.toml"
    cart.write_text(_cart(ids), encoding="utf-8")
    saved = daoshou(env, "cart", "save", "kitchen", str(cart))
    now = datetime.now(UTC)

    engine = open_engine()
    try:
        memo_file("kitchen").unlink(missing_ok=True)
        follow_prices(engine, ids, now)  # the service's re-plan remembers what it planned
        service = json.loads(memo_file("kitchen").read_text(encoding="utf-8"))
        app = compute_plan(engine, home / "data" / "carts" / "kitchen.toml", now).live
    finally:
        dispose_engines()
    cli = daoshou(env, "plan", "kitchen")

    assert app is not None and saved["name"] == "kitchen"
    app_items = {
        i.id: (where, str(i.in_hand))
        for i, where in zip(app.plan.priced.items, app.choices().values(), strict=True)
    }
    cli_items = {
        i["id"]: (
            f"{i['platform']}/{i['shop']}/listing {i['priced_from']['listing']}",
            i["in_hand"],
        )
        for i in cli["items"]
    }
    service_items = {k: (v["where"], v["in_hand"]) for k, v in service["items"].items()}
    assert app_items == cli_items == service_items
    assert str(app.plan.total) == cli["total"] == service["total"] == "170.00"
    assert app_items["kettle"][0].endswith(f"listing {ids[1]}")
