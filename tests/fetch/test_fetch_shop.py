"""The fixture shop itself: static pages, admin validation, rendering modes."""

import urllib.error
import urllib.request

import pytest

from tracker.shop.client import FixtureShop

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture
def pages_shop(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "gbk-page.html").write_bytes("<title>京东 商品</title>".encode("gbk"))
    (tmp_path / "secret.txt").write_text("outside the pages directory")
    with FixtureShop.start(pages=pages) as shop:
        yield shop


def test_static_pages_are_served_as_saved_with_validators(pages_shop):
    status, headers, body = _get(f"{pages_shop.base_url()}/pages/gbk-page.html")
    assert status == 200 and body == "<title>京东 商品</title>".encode("gbk")
    assert headers["Content-Type"] == "text/html"  # no charset: decoding must find it
    again = _get(f"{pages_shop.base_url()}/pages/gbk-page.html", {"If-None-Match": headers["ETag"]})
    assert again[0] == 304


@pytest.mark.parametrize("path", ["../secret.txt", "%2E%2E/secret.txt", "missing.html"])
def test_paths_outside_the_pages_directory_are_not_served(pages_shop, path):
    status, _, body = _get(f"{pages_shop.base_url()}/pages/{path}")
    assert status == 404 and b"outside" not in body


def test_admin_rejects_unknown_faults_and_bad_prices(shop):
    with pytest.raises(ValueError, match="unknown fault kind"):
        shop.fault("p0001", "explode")
    with pytest.raises(ValueError, match="not a price"):
        shop.set_product("p0001", price="cheap")
    with pytest.raises(ValueError, match="render"):
        shop.set_product("p0001", render="flash")


def test_product_changes_show_up_in_page_and_validators(shop):
    _, before, _ = _get(shop.product_url("p0007"))
    changed = shop.set_product("p0007", price="19.9", list_price="29.90", in_stock=False)
    assert changed["price"] == "19.90" and changed["version"] == 2
    status, after, body = _get(shop.product_url("p0007"))
    text = body.decode("utf-8")
    assert status == 200 and '"price": "19.90"' in text and "¥29.90" in text
    assert "OutOfStock" in text
    assert after["ETag"] != before["ETag"] and after["Last-Modified"] != before["Last-Modified"]


def test_script_rendered_product_has_no_price_in_its_html(shop):
    shop.set_product("js", render="js", price="88.00")
    _, _, body = _get(shop.product_url("js"))
    assert b"88.00" not in body and b"8800" in body  # cents, for the script only


def test_titles_are_escaped_in_the_page(shop):
    shop.set_product("x", title='<script>alert("t")</script>')
    _, _, body = _get(shop.product_url("x"))
    assert b'<script>alert("t")' not in body


def test_admin_calls_are_not_logged(shop):
    shop.set_product("p0001", price="1.00")
    _get(shop.product_url("p0001"))
    assert [r.path for r in shop.log()] == ["/product/p0001"]
