"""Promotions recorded with an observation read one to one by the planner's cart parsers.

Every promotion the extractors record must be a `[[promotion]]` table or an
`[[item.offer]]` field that `planner.cart_fields` accepts, so a tracked listing's
promotions can be planned without translation. The metadata only extraction knows
(`applies_to`, `source_text`, validity, `claimed`, `uses`) is all that is set aside.
"""

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from planner.cart import EveryOff, FreeShipping, PercentOff, Threshold
from planner.cart_fields import FieldReader, offer_from
from planner.cart_promotions import promotion_from
from planner.money import parse_money
from planner.toml_lines import KeyLines
from tests.extract.conftest import FIXTURES
from tracker.extract import extract_page
from tracker.extract.decode import decode_html
from tracker.extract.promotions import amount, from_text, moment
from tui.cli import app

_METADATA = {"applies_to", "source_text", "valid_from", "valid_until", "claimed", "uses"}
_PRESALE_DATES = {
    "deposit_at": "2025-10-20",
    "balance_from": "2025-10-31T20:00",
    "balance_until": "2025-11-03T23:59",
}


def _reader(data: dict) -> FieldReader:
    return FieldReader(data, ("promotion", 0), KeyLines(""), "observation")


def planner_reads(promotion: dict) -> object:
    """The planner's own value for one recorded promotion (raises if it does not read)."""
    if promotion["applies_to"] == "order":
        table = {k: v for k, v in promotion.items() if k not in _METADATA}
        return promotion_from(_reader(table))
    field, value = promotion["field"], promotion["value"]
    if field == "member_price":
        assert promotion["requires_member"] in ("plus", "88vip")
        return parse_money(value, "member_price")
    if field == "presale":
        value = {**_PRESALE_DATES, **value}  # the page may not state the windows
    offer = {"platform": "tmall", "price": "999", field: value}
    return offer_from(_reader(offer))


PHRASES = {
    "满200减20": Threshold,
    "领券满200减20 满400减50": Threshold,
    "10元无门槛券": Threshold,
    "跨店每满300减50，上限1500元": EveryOff,
    "满300元9折": PercentOff,
    "满99元包邮": FreeShipping,
}


@pytest.mark.parametrize(("text", "kind"), PHRASES.items())
def test_order_phrases_read_by_promotion_from(text, kind):
    recorded = [p for p in from_text(text, "tmall", "某旗舰店") if p["applies_to"] == "order"]
    assert recorded and all(isinstance(planner_reads(p), kind) for p in recorded)
    assert all(p["source_text"] == text for p in recorded)


def test_every_with_cap_keeps_its_numbers():
    [every] = [p for p in from_text("跨店每满300减50，上限1500元", "tmall") if p.get("kind")]
    parsed = planner_reads(every)
    assert (parsed.every, parsed.off, parsed.max_off) == (300, 50, 1500)
    assert parsed.scope == "cross_store"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("定金50抵150", "presale"),
        ("每人限购2件", "limit"),
        ("官方立减20元", "instant_off"),
        ("第二件半价", "multibuy"),
        ("跨店满减", "cross_store"),
    ],
)
def test_offer_phrases_read_by_offer_from(text, field):
    [recorded] = [p for p in from_text(text, "tmall") if p.get("field") == field]
    offer = planner_reads(recorded)
    assert getattr(offer, field)


def test_presale_worth_is_read():
    [presale] = from_text("定金50抵150", "tmall")
    offer = planner_reads(presale)
    assert (offer.presale.deposit, offer.presale.worth) == (50, 150)


@pytest.mark.parametrize("text", ["满20减200", "每满0减5", "满-5减1", "定金150抵50", "限购0件"])
def test_nonsense_is_not_recorded(text):
    assert from_text(text, "jd") == []


def test_amounts_and_moments():
    assert (amount("1.2万"), amount("0"), amount("-3"), amount("abc")) == (
        "12000",
        None,
        None,
        None,
    )
    assert moment(1549814399000) == "2019-02-10T23:59:59+08:00"
    assert moment("2024-06-18 23:59:59") == "2024-06-18T23:59:59+08:00"
    assert moment("soon") is None


def _variant(name: str, url: str) -> tuple[dict, ...]:
    page = decode_html((FIXTURES / "pages_variants" / name).read_bytes())
    return extract_page(page, url).promotions


def test_every_promotion_extracted_from_the_fixtures_reads_in_the_planner():
    pages = {
        "jd-promotion-reply.json": "https://cd.jd.com/promotion/v2?skuId=100012043978",
        "jd-reply-jsonp.js": "https://p.3.cn/prices/mgets?skuIds=J_100012043978",
        "tmall-mobile-apistack-outside-script.html": "https://detail.m.tmall.com/item.htm?id=6",
        "tmall-presale-deposit.js": "https://detail.m.tmall.com/item.htm?id=7",
        "tmall-rendered-lying-charset.html": "https://detail.tmall.com/item.htm?id=8",
        "pdd-single-sku.html": "https://mobile.yangkeduo.com/goods.html?goods_id=1",
        "pdd-group-vs-normal.html": "https://mobile.yangkeduo.com/goods.html?goods_id=2",
        "tmall-h5-skus-range.html": "https://detail.m.tmall.com/item.htm?id=9&skuId=5012345678902",
        "taobao-sib-bare-promo.json": "https://detailskip.taobao.com/sib.htm?itemId=10",
        "douyin-static-item.json": "https://ec.snssdk.com/product/fxgajaxstaticitem?id=11",
    }
    recorded = [p for name, url in pages.items() for p in _variant(name, url)]
    assert len(recorded) >= 15
    for promotion in recorded:
        planner_reads(promotion)


def test_jd_coupon_carries_validity_and_claim():
    promotions = _variant("jd-promotion-reply.json", "https://cd.jd.com/promotion/v2?skuId=1")
    coupon = next(p for p in promotions if p.get("coupon") and p.get("valid_until"))
    assert coupon["tiers"] == [["299", "30"]]
    assert (coupon["valid_from"], coupon["valid_until"]) == (
        "2024-06-01T00:00:00+08:00",
        "2024-06-18T23:59:59+08:00",
    )
    assert coupon["claimed"] is True and coupon["uses"] == 1
    assert any(p.get("field") == "limit" and p["value"] == 2 for p in promotions)


def test_cli_prints_promotions_as_json():
    path = FIXTURES / "pages_variants" / "tmall-mobile-apistack-outside-script.html"
    url = "https://detail.m.tmall.com/item.htm?id=600000000001"
    outcome = CliRunner().invoke(app, ["extract", str(path), "--url", url, "--json"])
    document = json.loads(outcome.stdout)
    assert Decimal(document["price"]) == 399
    texts = {p["source_text"] for p in document["promotions"]}
    assert {"满300减30", "满500减60", "店铺券 满399减40"} <= texts
