"""Chinese-shop pages and trap pages written for daoshou, each with its expected verdict.

Every row of `pages_cn/MANIFEST.tsv` and `pages_traps/MANIFEST.tsv` must come out exactly:
price and currency, and where the manifest says so the list price, stock state, "from"
flag and the reason for no price.
"""

from decimal import Decimal

import pytest

from tests.extract.conftest import PageCase, load_manifest
from tracker.extract import extract_page
from tracker.extract.decode import decode_html

CASES = load_manifest("pages_cn") + load_manifest("pages_traps")


def _bool(text: str) -> bool | None:
    return {"true": True, "false": False}.get(text)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_page_verdict(case: PageCase):
    result = extract_page(decode_html(case.path.read_bytes()), case.url)
    row = case.row
    if case.price is None:
        assert result.price is None, result.candidates
        assert row["reason_contains"].lower() in (result.reason or "").lower()
    else:
        assert (result.price, result.currency) == (case.price, case.currency), result
        assert result.reason is None
    if row["list_price"]:
        assert result.list_price == Decimal(row["list_price"])
    if row["in_stock"]:
        assert result.in_stock is _bool(row["in_stock"])
    if row["is_from"]:
        assert result.is_from_price is _bool(row["is_from"])


def test_no_unpriced_fixture_yields_a_price():
    """Precision first, across every corpus: nothing without a price gets one."""
    unpriced = [c for c in CASES + load_manifest("pages") if c.price is None]
    assert len(unpriced) >= 12
    invented = [
        c.id for c in unpriced if extract_page(decode_html(c.path.read_bytes()), c.url).price
    ]
    assert not invented


def test_gbk_page_decodes_and_keeps_its_title():
    case = next(c for c in CASES if c.path.name == "gbk-shop-item.html")
    result = extract_page(decode_html(case.path.read_bytes()), case.url)
    assert result.title == "九阳豆浆机 DJ13B-D08D 全自动免滤 家用"


def test_candidates_carry_evidence():
    case = next(c for c in CASES if c.path.name == "jd-item-price-json.html")
    result = extract_page(decode_html(case.path.read_bytes()), case.url)
    assert any("J_100066896338" in c.evidence for c in result.candidates)
    assert all(c.source == "jd" for c in result.candidates)


def test_disagreement_names_both_candidates():
    case = next(c for c in CASES if c.path.name == "disagreeing-jsonld.html")
    reason = extract_page(case.path.read_text(encoding="utf-8"), case.url).reason or ""
    assert "129.00 USD" in reason and "99.00 USD" in reason
