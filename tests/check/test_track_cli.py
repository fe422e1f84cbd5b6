"""`daoshou add | list | check | history` as a user runs them, in a fresh DAOSHOU_HOME."""

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest


@pytest.fixture
def daoshou(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    env.pop("DAOSHOU_DATABASE_URL", None)

    def run(*args, ok=True):
        done = subprocess.run(
            [sys.executable, "-c", "from tui.cli import main; main()", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    return run


def test_add_check_list_history(daoshou, shop, slug):
    shop.set_product(slug, price="2999.00", title="手机 Phone [128GB]")
    added = json.loads(
        daoshou("add", shop.product_url(slug), "--pack", "2 x 500 ml", "--json").stdout
    )
    assert added["platform"] == "web" and isinstance(added["id"], int)
    assert (added["unit"], Decimal(added["per_pack"])) == ("l", 1)
    assert added["url"] == shop.product_url(slug)

    checked = json.loads(daoshou("check", "--json").stdout)
    assert [c["listing_id"] for c in checked] == [added["id"]]
    assert checked[0]["observation"]["price"] == "2999.00"

    listed = json.loads(daoshou("list", "--json").stdout)
    assert listed[0]["latest"]["title"] == "手机 Phone [128GB]"

    text = daoshou("history", str(added["id"])).stdout
    assert "2999.00 CNY" in text
    history = json.loads(daoshou("history", str(added["id"]), "--json").stdout)
    assert [Decimal(h["price"]) for h in history] == [Decimal("2999.00")]
    assert history[0]["observed_at"].endswith("+00:00")


def test_bad_input_is_one_line(daoshou):
    for args, needle in [
        (("add", "ftp://example.com/x"), "not an http(s) URL"),
        (("history", "99"), "no listing with id 99"),
        (("check", "7"), "no listing with id 7"),
    ]:
        done = daoshou(*args, ok=False)
        assert done.returncode == 2
        assert needle in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
