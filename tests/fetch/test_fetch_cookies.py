"""User cookies: owner-only file, never printed, sent only to their platform's hosts."""

import json
import os
import stat
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from tracker.errors import CookieError
from tracker.fetch.cookies import CookieStore
from tracker.fetch.fetcher import Fetcher
from tui.cli import app

SECRET = "pt_key=AAJl-SECRET-VALUE; pt_pin=jd_user%E7%94%A8"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path))
    return tmp_path


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_cookie_file_is_owner_only_and_masked_in_listings(home):
    store = CookieStore()
    masked = store.set("JD", SECRET)
    assert store.path == home / "config" / "cookies.json"
    assert _mode(store.path) == 0o600
    assert masked.scope == "jd" and masked.names == ("pt_key", "pt_pin")
    assert "SECRET" not in masked.masked and "SECRET" not in repr(store)
    assert [m.masked for m in CookieStore().listing()] == ["pt_key=***; pt_pin=***"]


def test_a_widened_cookie_file_is_tightened_on_read(home):
    store = CookieStore()
    store.set("jd", SECRET)
    os.chmod(store.path, 0o644)
    assert CookieStore().listing()
    assert _mode(store.path) == 0o600


def test_platform_cookies_go_only_to_that_platforms_hosts(home):
    store = CookieStore()
    store.set("jd", "a=1")
    store.set("taobao", "b=2")
    assert store.header_for("https://item.jd.com/100012043978.html") == "a=1"
    assert store.header_for("https://item.jd.com/1.html", platform="jd") == "a=1"
    assert store.header_for("https://item.taobao.com/item.htm?id=1") == "b=2"
    assert store.header_for("https://detail.tmall.com/item.htm?id=1") is None
    assert store.header_for("https://jd.com.evil.example/x") is None
    assert store.header_for("https://notjd.com/x") is None
    # a listing said to be on Taobao whose URL is on JD gets neither cookie
    assert store.header_for("https://item.jd.com/1.html", platform="taobao") is None


def test_host_scope_covers_the_host_and_its_subdomains(home):
    store = CookieStore()
    store.set("shop.example.com", "c=3")
    assert store.header_for("https://shop.example.com/p/1") == "c=3"
    assert store.header_for("https://m.shop.example.com/p/1") == "c=3"
    assert store.header_for("https://example.com/p/1") is None
    assert store.remove("shop.example.com") and not store.remove("shop.example.com")
    assert store.header_for("https://shop.example.com/p/1") is None


@pytest.mark.parametrize("header", ["", "novalue", "a=1\r\nX-Injected: 1", "bad name=1", ";;"])
def test_malformed_cookie_headers_are_refused(home, header):
    with pytest.raises(CookieError):
        CookieStore().set("jd", header)


@pytest.mark.parametrize("scope", ["", "web", "not a host", "amazon", "-bad.example"])
def test_unknown_scopes_are_refused(home, scope):
    with pytest.raises(CookieError) as info:
        CookieStore().set(scope, "a=1")
    assert "jd" in info.value.one_line()


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        "[]",
        '{"cookies": []}',
        '{"cookies": {"jd": "no pairs here"}}',
        '{"cookies": {"not a scope": "a=1"}}',
    ],
)
def test_corrupt_cookie_file_is_a_clear_error(home, content):
    path = CookieStore().path
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CookieError, match="unreadable") as info:
        CookieStore().listing()
    assert "daoshou cookies set" in info.value.one_line()


async def test_fetcher_sends_cookies_to_their_host_only(shop, fast_policy, home):
    store = CookieStore()
    store.set("127.0.0.1", SECRET)
    other = shop.product_url("p0002").replace("127.0.0.1", "localhost")
    shop.fault("p0001", "login_redirect", location=other)  # a hop to another host
    async with Fetcher(replace(fast_policy, cookies=store)) as fetcher:
        result = await fetcher.fetch(shop.product_url("p0001"))
        direct = await fetcher.fetch(shop.product_url("p0003"))
    assert result.ok and result.final_url == other and direct.ok
    sent = {r.path: r.cookie for r in shop.log() if r.path.startswith("/product/")}
    assert sent == {"/product/p0001": SECRET, "/product/p0002": None, "/product/p0003": SECRET}
    assert "SECRET" not in repr(result) and "SECRET" not in str(dict(result.headers))


async def test_cookies_the_shop_sets_are_not_kept(shop, fast_policy):
    async with Fetcher(fast_policy) as fetcher:
        await fetcher.fetch(shop.product_url("p0001"))
        assert len(fetcher.client.cookies.jar) == 0


def test_cli_sets_lists_and_removes_without_printing_values(home):
    runner = CliRunner()
    out = runner.invoke(app, ["cookies", "set", "jd", SECRET])
    assert out.exit_code == 0 and "SECRET" not in out.output and "pt_key=***" in out.output
    out = runner.invoke(app, ["cookies", "set", "pdd", "-"], input="PDDAccessToken=XYZSECRET\n")
    assert out.exit_code == 0 and "SECRET" not in out.output
    listing = runner.invoke(app, ["cookies", "list", "--json"])
    assert listing.exit_code == 0 and "SECRET" not in listing.output
    scopes = {entry["scope"]: entry["names"] for entry in json.loads(listing.output)}
    assert scopes == {"jd": ["pt_key", "pt_pin"], "pdd": ["PDDAccessToken"]}
    table = runner.invoke(app, ["cookies", "list"])
    assert "pt_key=***; pt_pin=***" in table.output and "SECRET" not in table.output
    assert runner.invoke(app, ["cookies", "remove", "pdd"]).exit_code == 0
    assert "pdd" not in runner.invoke(app, ["cookies", "list"]).output


async def test_a_broken_cookie_file_stops_the_fetcher_before_any_request(home, fast_policy):
    store = CookieStore()
    store.path.write_text("[]", encoding="utf-8")
    with pytest.raises(CookieError, match="unreadable"):
        async with Fetcher(replace(fast_policy, cookies=store)):
            pass


@pytest.mark.parametrize("header", ["name=张三", "pt_pin=caf\u00e9", "a=1; b=\u202eevil"])
def test_a_non_ascii_cookie_value_is_refused_when_set(home, header):
    store = CookieStore()
    with pytest.raises(CookieError, match="non-ASCII") as info:
        store.set("jd", header)
    assert "\n" not in info.value.one_line()
    assert not store.path.exists()  # nothing was saved that every fetch would trip on
