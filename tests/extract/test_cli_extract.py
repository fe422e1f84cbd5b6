"""`daoshou extract` as scripts use it: a real process, its JSON, its exit codes.

Includes fetching a URL from the fixture shop (a real server process on loopback), which
serves a GBK page, so fetch, decode and extract are exercised together.
"""

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.extract.conftest import FIXTURES
from tests.shop_fixture import shop  # noqa: F401
from tracker.errors import ExtractionInputError
from tracker.extract.inputs import read_page_file
from tui.cli import app

DAOSHOU = Path(sys.executable).parent / "daoshou"
KEYS = ["price", "currency", "list_price", "title", "in_stock", "source", "reason", "promotions"]


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    return subprocess.run(
        [str(DAOSHOU), "extract", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_json_contract_with_url(tmp_path):
    page = FIXTURES / "pages" / "stockcenter-com-ar.html"
    out = _run(
        str(page), "--url", "https://www.stockcenter.com.ar/top-nike", "--json", home=tmp_path
    )
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    assert list(document) == KEYS
    assert document["price"] == "2449.00"
    assert document["currency"] == "ARS"
    assert document["source"] == "json-ld"
    assert document["reason"] is None


def test_no_price_still_exits_zero_with_a_reason(tmp_path):
    page = FIXTURES / "pages_cn" / "taobao-login.html"
    out = _run(str(page), "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    assert document["price"] is None
    assert document["reason"].startswith("login page")


@pytest.mark.parametrize("kind", ["missing", "binary"])
def test_unreadable_input_is_one_line_and_non_zero(tmp_path, kind):
    target = tmp_path / "page.html"
    if kind == "binary":
        target.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    out = _run(str(target), "--json", home=tmp_path)
    assert out.returncode != 0
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and str(target) in lines[0], out.stderr


@pytest.mark.parametrize("kind", ["directory", "empty", "nul-bytes", "control-bytes"])
def test_reader_refuses_what_is_not_a_page(tmp_path, kind):
    target = tmp_path / "page.html"
    if kind == "directory":
        target.mkdir()
    elif kind == "empty":
        target.write_bytes(b"   \n")
    elif kind == "nul-bytes":
        target.write_bytes(b"<html>" + b"\x00" * 64)
    else:
        target.write_bytes(bytes(range(1, 32)) * 40)
    with pytest.raises(ExtractionInputError) as caught:
        read_page_file(target)
    assert str(target) in caught.value.one_line()


def test_reader_accepts_utf16_pages(tmp_path):
    target = tmp_path / "page.html"
    target.write_bytes(codecs.BOM_UTF16_LE + "<title>价格 ¥12</title>".encode("utf-16-le"))
    assert "价格" in read_page_file(target)


def test_evidence_lists_candidates():
    page = FIXTURES / "pages" / "almedina-net.html"
    out = CliRunner().invoke(app, ["extract", str(page), "--json", "--evidence"])
    document = json.loads(out.stdout)
    assert document["price"] == "71.91"
    sources = {c["source"] for c in document["candidates"]}
    assert {"microdata", "meta"} <= sources  # the ex-VAT meta price is seen and outvoted


def test_text_output_prints_plain_lines():
    out = CliRunner().invoke(app, ["extract", str(FIXTURES / "pages" / "jumbo-ch.html")])
    assert out.exit_code == 0
    assert "price: 19.5" in out.stdout
    assert "currency: CHF" in out.stdout


def test_fetches_a_url_and_decodes_gbk(tmp_path, shop):  # noqa: F811
    url = shop.base_url() + "/product/p0001"
    shop.fault("p0001", "gbk", count=5, declare="meta")
    out = _run(url, "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    document = json.loads(out.stdout)
    assert document["price"] is not None
    assert document["currency"]
    assert document["title"] and "\ufffd" not in document["title"]


def test_unfetchable_url_is_one_line(tmp_path, shop):  # noqa: F811
    shop.fault("p0002", "status", count=5, status=404)
    out = _run(shop.base_url() + "/product/p0002", "--json", home=tmp_path)
    assert out.returncode != 0
    assert len(out.stderr.strip().splitlines()) == 1
    assert "p0002" in out.stderr
