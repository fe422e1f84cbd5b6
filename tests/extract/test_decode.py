"""decode_html: header, BOM, meta, detection, and pages that lie about their charset."""

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.extract.decode import decode_html, normalize_charset

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

TITLE = "海尔冰箱 BCD-470 十字对开门 𠮷 到手价￥2999"
TRAD = "果陀劇場 舞台劇 只要960元起 臺灣"


def _page(charset_meta: str, text: str) -> str:
    return f'<html><head><meta charset="{charset_meta}"><title>{text}</title></head></html>'


@pytest.mark.parametrize("label", ["gbk", "GB2312", "gb18030", "x-gbk"])
def test_gb_family_meta_decodes_as_gb18030(label):
    # 𠮷 is outside GBK: only GB18030 can carry it, so a gbk label must decode as GB18030.
    body = _page(label, TITLE).encode("gb18030")
    assert TITLE in decode_html(body)


def test_gbk_from_content_type_header_without_meta():
    body = f"<html><title>{TITLE}</title></html>".encode("gb18030")
    assert TITLE in decode_html(body, "text/html; charset=GBK")


def test_header_label_in_quotes():
    body = f"<p>{TITLE}</p>".encode("gb18030")
    assert TITLE in decode_html(body, 'text/html; charset="gb2312"')


def test_big5_page():
    body = _page("big5", TRAD).encode("big5")
    assert TRAD in decode_html(body)


def test_utf8_page_with_lying_gbk_meta():
    body = _page("gbk", TITLE).encode("utf-8")
    assert TITLE in decode_html(body)


def test_utf8_page_with_lying_gbk_header():
    body = _page("utf-8", TITLE).encode("utf-8")
    assert TITLE in decode_html(body, "text/html; charset=gbk")


def test_corpus_tmall_page_says_gbk_but_is_utf8():
    text = decode_html((FIXTURES / "pages" / "tmall-com-pc-detail.html").read_bytes())
    assert "AMH男装" in text


def test_gbk_shop_fixture_file_without_header():
    text = decode_html((FIXTURES / "pages_cn" / "gbk-shop-item.html").read_bytes())
    assert "九阳豆浆机" in text


def test_undeclared_gbk_is_detected():
    words = "苏泊尔电饭煲 智能预约 家用4升 正品保证 " * 20
    body = f"<html><body><p>{words}</p></body></html>"
    assert "苏泊尔电饭煲" in decode_html(body.encode("gb18030"))


def test_utf8_bom_wins():
    body = codecs.BOM_UTF8 + _page("gbk", TITLE).encode("utf-8")
    assert decode_html(body).startswith("<html>")


def test_utf16_bom():
    body = codecs.BOM_UTF16_LE + _page("utf-16", TITLE).encode("utf-16-le")
    assert TITLE in decode_html(body)


def test_latin1_label_means_windows_1252():
    body = '<meta charset="iso-8859-1"><p>Price &pound;340 – “inc VAT”</p>'.encode("cp1252")
    assert "– “inc VAT”" in decode_html(body)


def test_http_equiv_meta():
    body = (
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        f"<title>{TITLE}</title>"
    ).encode("gb18030")
    assert TITLE in decode_html(body)


def test_unknown_label_falls_back_to_detection():
    body = _page("klingon-8", TITLE).encode("utf-8")
    assert TITLE in decode_html(body)


def test_normalize_charset():
    assert normalize_charset("GBK") == "gb18030"
    assert normalize_charset(" 'utf8' ") == "utf-8"
    assert normalize_charset("nonsense") is None
    assert normalize_charset(None) is None


@given(st.binary(max_size=2000), st.sampled_from([None, "text/html", "text/html; charset=gbk"]))
def test_any_bytes_decode_without_error(body, content_type):
    assert isinstance(decode_html(body, content_type), str)
