"""Presale deposits (定金) are never the price; they are recorded as the presale terms.

The phrases are in tests/fixtures/hostile/presale-phrases.tsv, one per line with the
promotion it states (or "none"): deposits with and without what they are worth (抵, 膨胀),
付定立减 reductions, balances (尾款), presale and in-hand prices, windows with a year, and
phrases whose parts contradict each other. Each recorded presale must also read in the
planner's own cart parser, with the windows the planner needs filled in.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from planner.cart_fields import FieldReader, offer_from
from planner.toml_lines import KeyLines
from tests.extract.test_promotion_shape import _PRESALE_DATES
from tracker.extract.inputs import read_page_file
from tracker.extract.pipeline import extract_page
from tracker.extract.promotions import from_text, presale_from

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile"


def _phrases() -> list[tuple[str, dict | None]]:
    rows = []
    for line in (HOSTILE / "presale-phrases.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        phrase, expected = line.split("\t")
        rows.append((phrase, None if expected == "none" else json.loads(expected)))
    return rows


@pytest.mark.parametrize(("phrase", "expected"), _phrases())
def test_presale_phrase(phrase, expected):
    stated = presale_from(phrase)
    if expected is None:
        assert stated is None
        return
    assert stated is not None
    assert stated["field"] == "presale" and stated["value"] == expected["value"]
    for key in ("balance", "presale_price"):
        assert stated.get(key) == expected.get(key)
    price = stated.get("presale_price", "99999")
    table = {"platform": "tmall", "price": price, "presale": {**_PRESALE_DATES, **stated["value"]}}
    offer = offer_from(FieldReader(table, ("offer",), KeyLines(""), "observation"))
    assert offer.presale.deposit == Decimal(expected["value"]["deposit"])


def test_a_presale_reduction_is_not_an_instant_discount():
    fields = [p["field"] for p in from_text("付定金¥50立减¥100", "tmall")]
    assert fields == ["presale"]


def _page(name: str):
    return extract_page(read_page_file(HOSTILE / name), "https://shop.example/item/1")


def test_deposit_on_an_ordinary_page_is_recorded_not_priced():
    result = _page("presale-deposit.html")
    assert result.price is None
    [presale] = result.promotions
    assert presale["value"] == {"deposit": "100", "worth": "150"}
    assert presale["source_text"].startswith("定金")


def test_reduction_and_balance_window_on_an_ordinary_page():
    result = _page("presale-reduction.html")
    assert result.price is None  # ¥3999 and ¥4299 belong to the recommendations
    [presale] = result.promotions
    assert presale["value"] == {
        "deposit": "50",
        "reduction": "100",
        "balance_from": "2026-11-10T20:00",
        "balance_until": "2026-11-11T23:59",
    }
    assert presale["balance"] == "2849"


def test_other_products_deposits_are_not_recorded():
    result = _page("presale-elsewhere.html")
    assert result.price == Decimal("299.00")
    assert result.promotions == ()
