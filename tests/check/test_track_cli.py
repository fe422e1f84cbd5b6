"""`daoshou add | list | check | history` as a user runs them, in a fresh DAOSHOU_HOME.

The happy path runs in-process (Typer's runner: the same app, without paying the
interpreter start-up for every command); the error path runs the real console entry
point in a subprocess, to see the one-line message and the exit status a user sees.
"""

import json
import os
import socket
import subprocess
import sys
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tracker.errors import NotFoundError
from tracker.store import db
from tui import i18n
from tui.cli import app


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")
    monkeypatch.setenv("DAOSHOU_HOME", str(home))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    monkeypatch.setenv("DAOSHOU_LANG", "en")  # the texts below are the English ones
    monkeypatch.setattr(i18n, "_current", None)
    yield home
    db.dispose_engines()


def _daoshou(*args):
    result = CliRunner().invoke(app, list(args), catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.stdout


def test_add_check_list_history(home, shop, slug):
    shop.set_product(slug, price="2999.00", title="手机 Phone [128GB]")
    added = json.loads(_daoshou("add", shop.product_url(slug), "--pack", "2 x 500 ml", "--json"))
    assert added["platform"] == "web" and isinstance(added["id"], int)
    assert (added["unit"], Decimal(added["per_pack"])) == ("l", 1)
    assert added["url"] == shop.product_url(slug)

    checked = json.loads(_daoshou("check", "--json"))
    assert [c["listing_id"] for c in checked] == [added["id"]]
    assert checked[0]["observation"]["price"] == "2999.00"

    listed = json.loads(_daoshou("list", "--json"))
    assert listed[0]["latest"]["title"] == "手机 Phone [128GB]"
    assert "手机 Phone [128GB]" in _daoshou("list")

    assert "2999.00 CNY" in _daoshou("history", str(added["id"]))
    history = json.loads(_daoshou("history", str(added["id"]), "--json"))
    assert [Decimal(h["price"]) for h in history] == [Decimal("2999.00")] * 2  # add, check
    assert history[0]["observed_at"].endswith("+00:00")
    days = json.loads(_daoshou("history", str(added["id"]), "--daily", "--json"))
    assert [(d["min_price"], d["count"]) for d in days] == [("2999.00", 2)]
    with pytest.raises(NotFoundError, match="no listing with id 99"):
        _daoshou("check", "99")
    for daily in ((), ("--daily",)):
        with pytest.raises(NotFoundError, match="no listing with id 99"):
            _daoshou("history", "99", *daily)


def test_history_reads_a_sqlite_store_without_sqlalchemy(home, shop, slug):
    """`daoshou history` (like `list`) reads through the standard library's sqlite3: a
    fresh process that prints a page of history never imports SQLAlchemy."""
    shop.set_product(slug, price="19.90", title="Kettle")
    added = json.loads(_daoshou("add", shop.product_url(slug), "--json"))
    db.dispose_engines()
    code = (
        "import atexit, sys;"
        "atexit.register(lambda: print('sqlalchemy' in sys.modules, file=sys.stderr));"
        "from tui.cli import main; main()"
    )
    for daily in ((), ("--daily",)):
        done = subprocess.run(
            [sys.executable, "-c", code, "history", str(added["id"]), "--json", *daily],
            env={**os.environ, "DAOSHOU_HOME": str(home)},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        assert json.loads(done.stdout)[0]["listing_id"] == added["id"]
        assert done.stderr.strip() == "False"


def test_bad_input_is_one_line_and_exit_status_2(home):
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", "add", "ftp://example.com/x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("daoshou: error: not an http(s) URL: 'ftp://example.com/x'")
    assert len(done.stderr.strip().splitlines()) == 1


def test_a_paused_listing_keeps_its_history_and_is_not_checked_until_resumed(home, shop, slug):
    shop.set_product(slug, price="10.00")
    shop.set_product(f"{slug}-b", price="20.00")
    paused = json.loads(_daoshou("add", shop.product_url(slug), "--json"))["id"]
    other = json.loads(_daoshou("add", shop.product_url(f"{slug}-b"), "--json"))["id"]
    _daoshou("check")

    [listing] = json.loads(_daoshou("pause", str(paused), "--json"))
    assert (listing["id"], listing["active"]) == (paused, False)
    marked = [line for line in _daoshou("list").splitlines() if "[paused]" in line]
    assert len(marked) == 1 and marked[0].split()[0] == str(paused)
    shop.set_product(slug, price="8.00")
    assert [c["listing_id"] for c in json.loads(_daoshou("check", "--json"))] == [other]
    assert len(json.loads(_daoshou("history", str(paused), "--json"))) == 2  # add, check: kept

    assert _daoshou("resume", str(paused)).startswith(f"listing {paused}: checked on its interval")
    checked = json.loads(_daoshou("check", "--json"))
    assert [c["listing_id"] for c in checked] == [paused, other]
    assert checked[0]["observation"]["price"] == "8.00"


def test_pausing_an_unknown_listing_changes_nothing(home, shop, slug):
    shop.set_product(slug, price="10.00")
    known = json.loads(_daoshou("add", shop.product_url(slug), "--json"))["id"]
    with pytest.raises(NotFoundError, match="no listing with id 99"):
        _daoshou("pause", str(known), "99")
    assert json.loads(_daoshou("list", "--json"))[0]["listing"]["active"] is True
    _daoshou("pause", str(known))
    assert _daoshou("check") == "every listing is paused; resume one with: daoshou resume ID\n"


def test_check_stores_the_good_and_exits_1_when_a_listing_failed(home, shop, slug):
    shop.set_product(slug, price="19.90", title="Socks")
    good = json.loads(_daoshou("add", shop.product_url(slug), "--json"))
    gone = json.loads(_daoshou("add", shop.product_url("no-such-product"), "--force", "--json"))
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/item/1.html"
    refused = json.loads(_daoshou("add", closed, "--force", "--json"))
    done = subprocess.run(  # as a user (or cron) runs it: the exit status is the signal
        [sys.executable, "-c", "from tui.cli import main; main()", "check", "--json"],
        env={**os.environ},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    outcomes = {o["listing_id"]: o for o in json.loads(done.stdout)}
    assert outcomes[good["id"]]["observation"]["price"] == "19.90"
    assert outcomes[gone["id"]]["observation"] is None
    assert "connection refused by 127.0.0.1" in outcomes[refused["id"]]["summary"]
    assert "robots" not in outcomes[refused["id"]]["summary"]
    assert done.stderr.splitlines() == [
        f"daoshou: 2 of 3 listings could not be fetched ({gone['id']}, {refused['id']}); "
        "see daoshou list for why"
    ]
    history = json.loads(_daoshou("history", str(good["id"]), "--json"))
    assert [h["price"] for h in history] == ["19.90", "19.90"]  # added, then checked


def _refused(*args):
    """Run `daoshou add ...` as a user does; it must fail with one line on stderr."""
    env = {**os.environ}
    done = subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", "add", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    return done.stderr


def test_add_refuses_a_page_that_answers_404_and_stores_nothing(home, shop, slug):
    url = shop.product_url(f"{slug}-gone")
    error = _refused(url)
    assert error.startswith(f"daoshou: error: not adding {url}: HTTP 404 from 127.0.0.1")
    assert "--force" in error
    assert json.loads(_daoshou("list", "--json")) == []
    assert [r.path for r in shop.settled_log()].count(f"/product/{slug}-gone") == 1


def test_add_refuses_an_unreachable_host_saying_what_happened(home):
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    error = _refused(f"http://127.0.0.1:{port}/item/1.html")
    assert "connection refused by 127.0.0.1" in error and "robots" not in error
    assert json.loads(_daoshou("list", "--json")) == []


def test_add_force_tracks_a_failing_page_with_its_failed_attempt(home, shop):
    added = json.loads(_daoshou("add", shop.product_url("no-such-product"), "--force", "--json"))
    [status] = json.loads(_daoshou("list", "--json"))
    assert status["listing"]["id"] == added["id"] and status["latest"] is None
    assert status["last_attempt"]["status"] == "http_error"


def test_add_stores_the_first_price_and_names_the_product_after_the_title(home, shop, slug):
    shop.set_product(slug, price="49.90", title="Kettle\x1b[31m 1.7L\u202e [steel]")
    shown = _daoshou("add", shop.product_url(slug))
    assert "first check: 49.90 CNY" in shown
    [status] = json.loads(_daoshou("list", "--json"))
    # the whole escape sequence and the bidi override are gone; the brackets stay text
    assert status["listing"]["product_name"] == "Kettle 1.7L [steel]"
    assert status["latest"]["price"] == "49.90"
    assert [r.path for r in shop.settled_log()].count(f"/product/{slug}") == 1  # fetched once
    named = json.loads(_daoshou("add", shop.product_url(f"{slug}-b"), "--force", "--json"))
    assert named["product_name"].startswith("127.0.0.1")  # no page title: named after the URL


def test_the_command_line_speaks_the_language_of_the_setting_only(home, shop, slug):
    settings = home / "config" / "settings.toml"
    settings.write_text(settings.read_text() + '\n[ui]\nlanguage = "zh"\n')
    shop.set_product(slug, price="10.00")
    listing = json.loads(_daoshou("add", shop.product_url(slug), "--json"))["id"]
    env = {**os.environ}
    env.pop("DAOSHOU_LANG")  # the setting decides, not the test's English
    done = subprocess.run(
        [sys.executable, "-c", "from tui.cli import main; main()", "pause", str(listing)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "已暂停" in done.stdout and "paused" not in done.stdout


def test_a_struck_price_on_the_page_is_recorded_as_the_list_price(home, shop, slug):
    """The shop declares only the selling price in its JSON-LD and shows the old price
    struck through (`<del>`) beside it: the old price is the listing's list price."""
    shop.set_product(slug, price="121.03", list_price="999.00", title="Rice cooker 3L")
    added = json.loads(_daoshou("add", shop.product_url(slug), "--json"))
    history = json.loads(_daoshou("history", str(added["id"]), "--json"))
    assert [(h["price"], h["list_price"]) for h in history] == [("121.03", "999.00")]
    shop.set_product(slug, list_price=None)  # the sale ends: no struck price, none recorded
    _daoshou("check", str(added["id"]))
    history = json.loads(_daoshou("history", str(added["id"]), "--json"))
    assert [h["list_price"] for h in history] == ["999.00", None]
