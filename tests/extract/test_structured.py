"""Structured data readers on small synthetic pages: JSON-LD shapes, microdata scopes,
meta tags, and page state in scripts."""

from decimal import Decimal

from tracker.extract import extract_page
from tracker.extract.jsonld import loads_lenient
from tracker.extract.page import Page
from tracker.extract.scriptstate import state_after


def _ld(body: str) -> str:
    return (
        f'<html><head><script type="application/ld+json">{body}</script></head><body></body></html>'
    )


def test_lenient_json_reads_comments_trailing_commas_and_several_objects():
    values = loads_lenient('<!-- {"a": [1, 2,],} --> ')
    assert values == [{"a": [1, 2]}]
    assert loads_lenient('{"a": 1} {"b": 2}') == [{"a": 1}, {"b": 2}]
    assert loads_lenient("not json") == []


def test_offers_list_with_one_price_is_that_price():
    page = _ld(
        '{"@type":"Product","name":"Kettle","offers":[{"@type":"Offer","price":"39.00",'
        '"priceCurrency":"EUR"},{"@type":"Offer","price":"39.00","priceCurrency":"EUR"}]}'
    )
    result = extract_page(page)
    assert (result.price, result.currency, result.is_from_price) == (Decimal("39.00"), "EUR", False)


def test_offers_with_different_prices_are_a_from_price():
    page = _ld(
        '{"@type":"Product","name":"Kettle","offers":[{"@type":"Offer","price":"49.00",'
        '"priceCurrency":"EUR"},{"@type":"Offer","price":"39.00","priceCurrency":"EUR"}]}'
    )
    result = extract_page(page)
    assert (result.price, result.is_from_price) == (Decimal("39.00"), True)


def test_item_list_products_are_not_the_page_product():
    page = _ld(
        '{"@type":"ItemList","itemListElement":[{"@type":"ListItem","item":{"@type":"Product",'
        '"name":"Other","offers":{"price":"5.00","priceCurrency":"USD"}}}]}'
    )
    assert extract_page(page).price is None


def test_used_offer_loses_to_new_offer():
    page = _ld(
        '{"@type":"Product","name":"Camera","offers":[{"@type":"Offer","price":"300",'
        '"priceCurrency":"GBP","itemCondition":"https://schema.org/UsedCondition"},'
        '{"@type":"Offer","price":"450","priceCurrency":"GBP",'
        '"itemCondition":"https://schema.org/NewCondition"}]}'
    )
    assert extract_page(page).price == Decimal("450")


def test_microdata_ignores_related_product_scopes():
    page = """<html><body>
    <div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Chair</h1>
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <meta itemprop="priceCurrency" content="EUR">
        <span itemprop="price" content="120.00">120 €</span>
      </div>
      <div class="related"><div itemscope itemtype="https://schema.org/Product">
        <span itemprop="name">Stool</span>
        <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <meta itemprop="priceCurrency" content="EUR">
        <span itemprop="price" content="45.00">45 €</span>
        </div></div></div>
    </div></body></html>"""
    result = extract_page(page)
    assert (result.price, result.currency, result.source) == (Decimal("120.00"), "EUR", "microdata")
    assert Decimal("45.00") not in {c.price for c in result.candidates}


def test_sale_price_meta_makes_the_price_meta_a_list_price():
    page = """<html><head>
    <meta property="product:price:amount" content="80.00">
    <meta property="product:sale_price:amount" content="64.00">
    <meta property="product:price:currency" content="USD">
    </head><body><h1>Boots</h1></body></html>"""
    result = extract_page(page)
    assert (result.price, result.list_price) == (Decimal("64.00"), Decimal("80.00"))


def test_state_after_reads_assignments_and_calls():
    page = Page('<script>window.rawData = {"a": {"b": 1}};\nTShop.Setup({"c": [2]});</script>')
    assert state_after(page, "window.rawData") == {"a": {"b": 1}}
    assert state_after(page, "TShop.Setup") == {"c": [2]}
    assert state_after(page, "missing") is None


def test_canonical_link_supplies_the_url_of_a_saved_page():
    page = Page('<link rel="canonical" href="//item.jd.com/1.html">')
    assert page.host == "item.jd.com"


def test_currency_written_into_the_price_string():
    page = _ld('{"@type":"Product","name":"Mug","offers":{"@type":"Offer","price":"€19,99"}}')
    result = extract_page(page)
    assert (result.price, result.currency) == (Decimal("19.99"), "EUR")


def test_microdata_currency_from_the_visible_mark():
    page = (
        '<div itemscope itemtype="http://schema.org/Product"><h1 itemprop="name">Lamp</h1>'
        '<span itemprop="price" content="49.00">£49.00</span></div>'
    )
    result = extract_page(page, "https://lamps.example.com/p")
    assert (result.price, result.currency) == (Decimal("49.00"), "GBP")
