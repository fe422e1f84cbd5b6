"""In-hand target rules (`daoshou alerts add ID --below N --in-hand`): they compare the
in-hand price of one unit bought alone, never the sticker price, fire once per crossing
of that price, and say in `alerts list` why they cannot fire when a check has a price
but no in-hand price."""

from __future__ import annotations

import json
import os

import pytest

from tests.processes import daoshou
from tests.shop_fixture import LOOPBACK_RECIPE, shop  # noqa: F401
from tracker.alerts import rulebook


def test_in_hand_rule_fires_on_in_hand_price_only(store):
    listing = store.listing()
    store.rule("target", {"price": "99", "in_hand": True}, listing_id=listing.id)
    assert store.observe(listing.id, "120.00", in_hand="110.00") == []
    assert store.observe(listing.id, "98.00", in_hand=None) == []  # sticker below: not asked
    fired = store.observe(listing.id, "120.00", in_hand="95.00")
    assert len(fired) == 1 and "95" in fired[0].message_en
    # The sticker price stays above the re-arm level, the in-hand price below the target:
    # the same crossing, so no second alert (the sticker price never re-arms the rule).
    assert store.observe(listing.id, "120.00", in_hand="95.00") == []
    assert store.observe(listing.id, "120.00", in_hand="105.00") == []  # re-armed
    assert len(store.observe(listing.id, "120.00", in_hand="96.00")) == 1


def test_alerts_list_says_why_an_in_hand_rule_cannot_fire(store):
    listing = store.listing()
    store.rule("target", {"price": "99", "in_hand": True}, listing_id=listing.id)
    store.rule("target", {"price": "99"}, listing_id=listing.id)
    store.observe(listing.id, "120.00", in_hand=None)
    in_hand_rule, sticker_rule = rulebook.list_rules(store.engine)
    assert "no in-hand price" in (in_hand_rule.waiting or "")
    assert sticker_rule.waiting is None
    store.observe(listing.id, "120.00", in_hand="101.00")
    assert rulebook.list_rules(store.engine)[0].waiting is None


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")
    (home / "config" / "recipes.toml").write_text(LOOPBACK_RECIPE, encoding="utf-8")
    env = {**os.environ, "DAOSHOU_HOME": str(home), "DAOSHOU_LANG": "en"}
    env.pop("DAOSHOU_DATABASE_URL", None)
    return env


def test_a_stated_coupon_fires_an_in_hand_rule_through_the_cli(env, shop, receiver):  # noqa: F811
    shop.set_product("kettle", price="120.00", title="Kettle", promotion="领券 满100减25")
    listing = daoshou(env, "add", shop.product_url("kettle"), "--product", "Kettle")
    daoshou(env, "alerts", "channel", "add", receiver.url)
    in_hand_rule = daoshou(env, "alerts", "add", str(listing["id"]), "--below", "99", "--in-hand")
    sticker_rule = daoshou(env, "alerts", "add", str(listing["id"]), "--below", "99")
    daoshou(env, "check")
    daoshou(env, "check")  # the same in-hand price: the same crossing, no second alert
    received = [json.dumps(body, ensure_ascii=False) for body in receiver.received()]
    assert len(received) == 1, received
    assert "95" in received[0] and "in-hand" in received[0]
    history = daoshou(env, "alerts", "history")
    assert {event["rule_id"] for event in history} == {in_hand_rule["id"]} != {sticker_rule["id"]}

    shop.set_product("kettle", promotion=None)
    daoshou(env, "check")  # 120 in hand now: re-armed, nothing sent
    assert len(receiver.received()) == 1
    listed = daoshou(env, "alerts", "list", json_out=False)
    assert "in-hand price is at or below" in listed and "no in-hand price" not in listed
