"""Facts about offers shared by the structured-data readers: stock, and variant naming.

A product page with several variants quotes a range; only when the page's own URL names a
variant (`?variant=123`, `?sku=ABC-RED`, or the variant's own URL) may that variant's price
be the page's price.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

_IN_STOCK = (
    "instock",
    "limitedavailability",
    "onlineonly",
    "instoreonly",
    "presale",
    "in stock",
    "in_stock",
    "available",
)
_OUT_OF_STOCK = (
    "outofstock",
    "soldout",
    "discontinued",
    "out of stock",
    "out_of_stock",
    "sold out",
    "unavailable",
    "preorder",
    "backorder",
)


def availability(value: str | None) -> bool | None:
    """True/False for a schema.org availability (URL or bare name), None if unknown."""
    if not value:
        return None
    name = value.strip().rsplit("/", 1)[-1].lower()
    if any(word in name for word in _OUT_OF_STOCK):
        return False
    if any(word in name for word in _IN_STOCK):
        return True
    return None


def url_names(page_url: str | None, offer_url: object, *skus: object) -> bool:
    """Whether the page URL singles out this offer (by its SKU or its own variant URL)."""
    if not page_url:
        return False
    page = urlsplit(page_url)
    values = {v for _, v in parse_qsl(page.query)} | set(page.path.split("/"))
    if any(isinstance(s, str | int) and str(s) and str(s) in values for s in skus):
        return True
    if isinstance(offer_url, str) and offer_url:
        offer = urlsplit(urljoin(page_url, offer_url))
        return (
            bool(offer.query)
            and offer.path == page.path
            and set(parse_qsl(offer.query)) <= set(parse_qsl(page.query))
        )
    return False
