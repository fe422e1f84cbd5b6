"""The visible-price heuristic on small pages: what it must take and what it must refuse."""

from decimal import Decimal

from tracker.extract import extract_page

URL = "https://shop.example.co.uk/p/1"


def _page(body: str, title: str = "Oak Chopping Board") -> str:
    head = f"<head><title>{title} | Shop</title></head>"
    return f"<html>{head}<body><h1>{title}</h1>{body}</body></html>"


def test_first_price_after_the_title():
    result = extract_page(_page('<p class="price">£24.00</p><p>Gift wrap £3.00</p>'), URL)
    assert (result.price, result.currency, result.source) == (Decimal("24.00"), "GBP", "heuristic")


def test_free_shipping_threshold_and_instalments_are_not_the_price():
    body = (
        "<p>Free shipping over £50.00</p><p>or 3 payments of £8.00</p>"
        '<div class="cost"><span class="now">£24.00</span></div>'
    )
    assert extract_page(_page(body), URL).price == Decimal("24.00")


def test_option_surcharge_and_saving_are_skipped():
    body = '<span class="p">£24.00</span><label>Engraving (+£5.00)</label><em>Save £6.00</em>'
    result = extract_page(_page(body), URL)
    assert result.price == Decimal("24.00")


def test_struck_price_is_the_list_price():
    body = '<div class="price-box"><del>£30.00</del> <span>£24.00</span></div>'
    result = extract_page(_page(body), URL)
    assert (result.price, result.list_price) == (Decimal("24.00"), Decimal("30.00"))


def test_two_different_prices_side_by_side_are_ambiguous():
    body = '<div class="prices"><span>£24.00</span> <span>£19.00</span></div>'
    result = extract_page(_page(body), URL)
    assert result.price is None


def test_split_integer_and_cents_in_sup():
    body = '<p class="product-new-price">173<sup>34</sup> <span>Lei</span></p>'
    result = extract_page(_page(body, "Whiskey Single Barrel 0.7l"), "https://www.shop.ro/p/1")
    assert (result.price, result.currency) == (Decimal("173.34"), "RON")


def test_ex_vat_price_is_skipped():
    body = '<p class="net">Price ex VAT: £20.00</p><p class="gross">£24.00</p>'
    assert extract_page(_page(body), URL).price == Decimal("24.00")


def test_no_title_anchor_no_guess():
    page = "<html><body><div>Bestsellers £9.99 £12.99</div></body></html>"
    assert extract_page(page, URL).price is None


def test_machine_zeros_are_tidied():
    page = (
        '<script type="application/ld+json">{"@type":"Product","name":"Mug",'
        '"offers":{"price":"12.500000","priceCurrency":"EUR"}}</script>'
    )
    assert str(extract_page(page).price) == "12.50"


def test_woocommerce_sale_markup():
    page = _page(
        '<p class="price"><del><span class="amount"><bdi><span>&pound;</span>30.00</bdi></span>'
        '</del> <ins><span class="amount"><bdi><span>&pound;</span>24.00</bdi></span></ins></p>'
        '<p class="stock in-stock">12 in stock</p>'
        '<section class="related products"><span class="price">£12.00</span></section>',
        "Linen Apron",
    )
    result = extract_page(page, URL)
    assert (result.price, result.list_price, result.in_stock) == (
        Decimal("24.00"),
        Decimal("30.00"),
        True,
    )


def test_unit_price_by_weight_is_not_the_price():
    body = '<p class="unit">(£1.25 / 100 g)</p><p class="amount">£4.99</p>'
    result = extract_page(_page(body, "Dark Roast Coffee Beans 400g"), URL)
    assert result.price == Decimal("4.99")
