"""Every real capture and variant page through `daoshou extract FILE --url URL --json`.

The bar: every page with a price gives exactly that price and currency, and no page
without one gets a price. `pages_cn_real` holds real JD/Tmall/Taobao captures (page HTML,
rendered DOMs, a price-service reply, a JS file assigning the state), `pages` real web
shops, `pages_variants` the variants written for daoshou (replies as JSONP or bare JSON,
state outside script tags, ranges, deposits, lying and late charsets). The run prints a
table per platform or shop (`pytest -s` shows it).
"""

import json
from collections import defaultdict
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from tests.extract.conftest import PageCase, load_manifest
from tui.cli import app

CORPORA = ("pages_cn_real", "pages", "pages_variants")
CASES = [case for folder in CORPORA for case in load_manifest(folder)]


def _run(case: PageCase) -> dict:
    args = ["extract", str(case.path), "--json"]
    if case.url:
        args += ["--url", case.url]
    outcome = CliRunner().invoke(app, args)
    assert outcome.exit_code == 0, (case.id, outcome.output)
    return json.loads(outcome.stdout)


def _group(case: PageCase) -> str:
    row = case.row
    name = row.get("platform") or row.get("shop") or case.path.name.split("-")[0]
    return f"{case.path.parent.name}:{name}"


def _verdict(case: PageCase, document: dict) -> str:
    price = Decimal(document["price"]) if document["price"] is not None else None
    if case.price is None:
        return "none-ok" if price is None else "wrong"
    if price is None:
        return "missed"
    return "found" if (price, document["currency"]) == (case.price, case.currency) else "wrong"


def test_every_page_meets_the_bar_and_prints_the_table():
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    wrong, missed = [], []
    for case in CASES:
        verdict = _verdict(case, _run(case))
        group = table[_group(case)]
        group["pages"] += 1
        group["expected"] += case.price is not None
        group[verdict] += 1
        (wrong if verdict == "wrong" else missed if verdict == "missed" else []).append(case.id)
    print("\n{:<40} {:>5} {:>8} {:>5} {:>6} {:>5}".format(
        "platform/shop", "pages", "expected", "found", "missed", "wrong"))  # fmt: skip
    for name in sorted(table):
        g = table[name]
        print(f"{name:<40} {g['pages']:>5} {g['expected']:>8} {g['found']:>5} "
              f"{g['missed']:>6} {g['wrong']:>5}")  # fmt: skip
    assert not wrong, f"wrong prices: {wrong}"
    assert not missed, f"missed prices: {missed}"


@pytest.mark.parametrize("case", load_manifest("pages_cn_real"), ids=lambda c: c.id)
def test_real_capture(case: PageCase):
    document = _run(case)
    expected = str(case.price) if case.price is not None else None
    assert (document["price"], document["currency"] if expected else None) == (
        expected,
        case.currency if expected else None,
    ), document
    if expected is None:
        assert document["reason"]
    if case.row["expected_title"]:
        assert document["title"] == case.row["expected_title"]


def test_range_low_end_is_not_a_list_price():
    for name in ("taobao_562283240178.html", "tmall_609353516840.html"):
        case = next(c for c in load_manifest("pages_cn_real") if c.path.name == name)
        assert _run(case)["list_price"] is None, name


def test_reserve_price_is_only_a_list_price():
    case = next(c for c in load_manifest("pages_cn_real") if c.path.name.startswith("tmall_1895"))
    document = _run(case)
    assert (document["price"], document["list_price"]) == (None, "298.00")


def test_plus_price_is_a_member_promotion_not_the_price():
    case = next(c for c in load_manifest("pages_cn_real") if c.path.name.startswith("jd_5544"))
    document = _run(case)
    assert (document["price"], document["list_price"]) == ("1399.00", "1999.00")
    assert document["promotions"] == [
        {
            "applies_to": "offer",
            "field": "member_price",
            "value": "1299",
            "requires_member": "plus",
            "source_text": 'price service J_5544080 tpp="1299.00"',
        }
    ]


@pytest.mark.parametrize("case", load_manifest("pages_variants"), ids=lambda c: c.id)
def test_variant(case: PageCase):
    document = _run(case)
    row = case.row
    if case.price is None:
        assert document["price"] is None, document
        assert row["reason_contains"].lower() in document["reason"].lower()
    else:
        assert (Decimal(document["price"]), document["currency"]) == (case.price, case.currency)
    if row["list_price"]:
        assert Decimal(document["list_price"]) == Decimal(row["list_price"])
    if row["in_stock"]:
        assert document["in_stock"] is (row["in_stock"] == "true"), document
