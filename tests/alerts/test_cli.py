"""`daoshou alerts ...` and `daoshou bought` through the real command line."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from datetime import date

import pytest
from typer.testing import CliRunner

from planner.errors import DaoshouError
from tracker.store.db import dispose_engines
from tui.cli import app

SECRET_URL = "tgram://123456:ABCdefSecretToken/987654"


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    yield invoke
    dispose_engines()


def _listing(cli) -> dict:
    return json.loads(
        cli("add", "https://item.jd.com/100012345.html", "--product", "Liby", "--force", "--json")
    )


def test_channel_urls_are_stored_owner_only_and_never_printed(cli, tmp_path):
    added = json.loads(cli("alerts", "channel", "add", SECRET_URL, "--json"))
    listed = cli("alerts", "channel", "list")
    listed_json = cli("alerts", "channel", "list", "--json")
    for output in (json.dumps(added), listed, listed_json):
        assert "ABCdefSecretToken" not in output
    assert added["label"].startswith("tgram://")
    secrets_file = tmp_path / "config" / "alert-channels.json"
    assert SECRET_URL in secrets_file.read_text()
    if os.name == "posix":
        assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    removed = cli("alerts", "channel", "remove", str(added["id"]))
    assert "removed channel" in removed and SECRET_URL not in secrets_file.read_text()


def test_rules_are_added_listed_and_removed(cli):
    listing = _listing(cli)
    listing_id = listing["id"]
    below = json.loads(cli("alerts", "add", str(listing_id), "--below", "59.90", "--json"))
    assert below["kind"] == "target" and below["params"]["price"] == "59.90"
    drop = json.loads(
        cli("alerts", "add", str(listing_id), "--drop", "10%", "--vs", "median30", "--json")
    )
    # not yet priced: the rule takes the listing's currency with its first price
    assert drop["params"] == {"basis": "median30", "pct": "10"}
    product_id = listing["product_id"]
    lowest = json.loads(cli("alerts", "add", str(product_id), "--product", "--lowest", "--json"))
    assert lowest["product_id"] == product_id and lowest["listing_id"] is None
    cli("alerts", "add", str(listing_id), "--in-stock")
    rules = json.loads(cli("alerts", "list", "--json"))
    assert [r["kind"] for r in rules] == ["target", "drop", "lowest", "in_stock"]
    cli("alerts", "remove", str(rules[0]["id"]))
    assert len(json.loads(cli("alerts", "list", "--json"))) == 3


def test_alerts_test_reaches_the_receiver(cli, receiver):
    cli("alerts", "channel", "add", receiver.url)
    results = json.loads(cli("alerts", "test", "--json"))
    assert results[0]["ok"] is True
    [body] = receiver.received()
    assert "daoshou" in body["message"] or "到手" in body["message"]


def test_bought_records_the_purchase_and_its_protection(cli):
    listing_id = _listing(cli)["id"]
    today = date.today().isoformat()
    view = json.loads(cli("bought", str(listing_id), "--price", "199", "--date", today, "--json"))
    assert view["price"] == "199" and view["rule_id"] is not None
    assert view["claim_deadline"] > today
    assert json.loads(cli("alerts", "list", "--json"))[0]["kind"] == "price_protection"


def test_history_is_empty_json_before_any_alert(cli):
    assert json.loads(cli("alerts", "history", "--json")) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["alerts", "add", "1", "--below", "cheap"], "--below 'cheap' is not an amount"),
        (["alerts", "add", "99", "--below", "5"], "no listing with id 99"),
        (["alerts", "add", "1"], "exactly one of --below"),
        (["alerts", "add", "1", "--drop", "x"], "pct='x' is not a number"),
        (["alerts", "channel", "add", "nonsense://x"], "not a usable Apprise URL"),
        (["alerts", "channel", "remove", "7"], "no alert channel with id 7"),
        (
            ["bought", "1", "--price", "5", "--date", "yesterday"],
            "--date 'yesterday' is not a date",
        ),
    ],
)
def test_bad_input_is_a_clear_error(cli, args, expected):
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, DaoshouError), result.output
    assert expected in result.exception.one_line()


def test_an_error_is_one_line_on_stderr(tmp_path):
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path)}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tui.cli import main; main()",
            "alerts",
            "add",
            "1",
            "--below",
            "x",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        "daoshou: error: --below 'x' is not an amount (e.g. --below 59.90)"
    ]


def test_a_rule_in_another_currency_than_its_listing_is_refused(cli, tmp_path):
    """A rule in CNY on a listing priced in USD would never fire: the command line refuses
    it in one line, and without --currency the rule takes the listing's currency."""
    from tracker.shop.client import FixtureShop

    with FixtureShop.start(products=1) as shop:
        shop.set_product("p0001", price="12.50", currency="USD", title="Desk lamp")
        listing = json.loads(cli("add", shop.product_url("p0001"), "--json"))
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path), "DAOSHOU_LANG": "en"}
    command = [sys.executable, "-c", "from tui.cli import main; main()", "alerts", "add"]
    refused = subprocess.run(
        [*command, str(listing["id"]), "--below", "10", "--currency", "CNY"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.splitlines() == [
        f"daoshou: error: listing {listing['id']} is priced in USD, not CNY "
        "(give the amounts in USD (--currency USD))"
    ]
    assert json.loads(cli("alerts", "list", "--json")) == []
    rule = json.loads(cli("alerts", "add", str(listing["id"]), "--below", "10", "--json"))
    assert rule["params"]["currency"] == "USD"
