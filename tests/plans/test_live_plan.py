"""The in-hand price, live, with real processes: a saved cart of two tracked listings is
planned from their latest observations; the shop changes a price; a check re-plans the
cart and delivers exactly one "plan changed" alert naming the new total to a loopback
Apprise receiver; the next plan shows the new total."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.processes import daoshou

RECEIVER = Path(__file__).parent.parent / "alerts" / "receiver.py"


def _received(port):
    reply = httpx.get(f"http://127.0.0.1:{port}/_admin/received", timeout=10)
    return [json.dumps(body, ensure_ascii=False) for body in reply.json()["received"]]


def test_a_saved_cart_follows_a_price_change_to_one_alert(tmp_path, shop):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")
    env = {**os.environ, "DAOSHOU_HOME": str(home), "DAOSHOU_LANG": "en"}
    env.pop("DAOSHOU_DATABASE_URL", None)
    shop.set_product("kettle-a", price="129.00", title="Kettle A", currency="CNY")
    shop.set_product("kettle-b", price="139.00", title="Kettle B", currency="CNY")
    receiver = subprocess.Popen([sys.executable, str(RECEIVER)], stdout=subprocess.PIPE, text=True)
    try:
        assert receiver.stdout is not None
        port = int(receiver.stdout.readline())
        first = daoshou(env, "add", shop.product_url("kettle-a"), "--product", "Kettle")
        second = daoshou(env, "add", shop.product_url("kettle-b"), "--product", "Kettle")
        daoshou(env, "check")
        daoshou(env, "alerts", "channel", "add", f"json://127.0.0.1:{port}/hook")
        cart = tmp_path / "kitchen.toml"
        cart.write_text(
            'currency = "CNY"\n[[item]]\nid = "kettle"\nname = "kettle"\nqty = 2\n'
            f"[[item.offer]]\nlisting = {first['id']}\n"
            f"[[item.offer]]\nlisting = {second['id']}\n",
            encoding="utf-8",
        )
        daoshou(env, "cart", "save", "kitchen", str(cart))
        before = daoshou(env, "plan", "kitchen")
        assert before["total"] == "258.00"
        assert before["items"][0]["priced_from"]["listing"] == first["id"]

        shop.set_product("kettle-b", price="99.00", title="Kettle B", currency="CNY")
        daoshou(env, "check")
        daoshou(env, "check")  # nothing moved this time: no second alert

        alerts = [body for body in _received(port) if "kitchen" in body]
        assert len(alerts) == 1, alerts
        assert "¥198.00" in alerts[0] and "¥258.00" in alerts[0]
        after = daoshou(env, "plan", "kitchen")
        assert after["total"] == "198.00"
        assert after["items"][0]["priced_from"]["listing"] == second["id"]
    finally:
        receiver.kill()
        receiver.wait()
