"""The app's cart from before carts were saved by name (`cart.toml` beside the database)
becomes the saved cart "cart" once, and nothing the user wrote is lost on the way."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tracker import locations

MAIN = "from tui.cli import main; main()"
CART = 'currency = "CNY"\n[[item]]\nid = "rice"\n[[item.offer]]\nplatform = "jd"\nprice = "42.00"\n'


def _env(tmp_path):
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path / "home")}
    env.pop("DAOSHOU_DATABASE_URL", None)
    return env


def _old_cart(tmp_path, text=CART):
    old = tmp_path / "home" / "data" / "cart.toml"
    old.parent.mkdir(parents=True)
    old.write_text(text, encoding="utf-8")
    return old


def test_the_old_cart_becomes_the_saved_cart_named_cart(tmp_path):
    old = _old_cart(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "cart", "list", "--json"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert [(c["name"], c["items"]) for c in json.loads(done.stdout)] == [("cart", 1)]
    assert not old.exists()
    new = tmp_path / "home" / "data" / "carts" / "cart.toml"
    assert new.read_text(encoding="utf-8") == CART


def test_a_saved_cart_named_cart_is_never_overwritten(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    old = _old_cart(tmp_path, CART.replace("42.00", "40.00"))
    new = tmp_path / "home" / "data" / "carts" / "cart.toml"
    new.parent.mkdir()
    new.write_text(CART, encoding="utf-8")
    assert locations.carts_dir() == new.parent
    assert new.read_text(encoding="utf-8") == CART
    assert "40.00" in old.read_text(encoding="utf-8")  # kept: the user decides


def test_a_move_stopped_between_link_and_unlink_finishes(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path / "home"))
    old = _old_cart(tmp_path)
    new = tmp_path / "home" / "data" / "carts" / "cart.toml"
    new.parent.mkdir()
    os.link(old, new)  # what a process killed after its link leaves behind
    locations.carts_dir()
    assert not old.exists() and new.read_text(encoding="utf-8") == CART
