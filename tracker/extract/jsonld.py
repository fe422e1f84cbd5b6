"""schema.org JSON-LD: Product, ProductGroup/hasVariant, Offer, AggregateOffer, @graph.

Shops write JSON-LD by hand and by template, so it is read leniently (HTML comments,
CDATA wrappers, trailing commas, raw newlines in strings, several objects in one script).
Only top-level products count: products inside an ItemList or `isRelatedTo` are other
products on the page. Several offers with different prices are a range ("from" the
lowest) unless the page URL names one of them.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from tracker.extract.budget import spend
from tracker.extract.currency import normalize_code
from tracker.extract.model import Candidate, Found, Kind
from tracker.extract.offers import availability, url_names
from tracker.extract.page import Page, collapse
from tracker.extract.pricetext import parse_machine_amount, parse_price_text

SOURCE = "json-ld"

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_WRAPPERS = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")
# Only these keys lead to the page's own product; ItemList elements, isRelatedTo,
# isSimilarTo and the like hold other products and are never followed.
_TO_MAIN_ENTITY = ("@graph", "mainEntity", "mainEntityOfPage", "about")
_LIST_TYPES = ("ListPrice", "StrikethroughPrice", "MSRP", "SRP")


def loads_lenient(text: str) -> list[Any]:
    """Every JSON value in a script body, tolerating the usual hand-written slips."""
    text = _WRAPPERS.sub("", text.strip()).strip()
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        pos, values = 0, []
        try:
            while pos < len(attempt):
                while pos < len(attempt) and attempt[pos] in " \t\r\n;,":
                    pos += 1
                if pos >= len(attempt):
                    break
                spend()
                value, pos = decoder.raw_decode(attempt, pos)
                values.append(value)
            return values
        except (ValueError, RecursionError):  # malformed, too deep, or a huge integer
            continue
    return values


def extract(page: Page) -> Found:
    """Candidates from the page's JSON-LD products."""
    products = list(_products(page))
    if not products:
        return Found()
    chosen = _main_products(products, page)
    candidates: list[Candidate] = []
    stock: list[bool] = []
    for product in chosen:
        found = _from_product(product, page)
        candidates.extend(found.candidates)
        if found.in_stock is not None:
            stock.append(found.in_stock)
    title = next((collapse(_text(p.get("name"))) for p in chosen if p.get("name")), None)
    in_stock = any(stock) if stock else None
    return Found(tuple(candidates), in_stock, title)


def _products(page: Page) -> Iterator[dict[str, Any]]:
    for node in page.tree.css('script[type="application/ld+json" i]'):
        for value in loads_lenient(node.text()):
            yield from _walk(value)


def _walk(value: Any) -> Iterator[dict[str, Any]]:
    """Top-level Product / ProductGroup objects (through @graph, arrays, mainEntity)."""
    spend()
    if isinstance(value, list):
        for item in value:
            yield from _walk(item)
        return
    if not isinstance(value, dict):
        return
    if _is_type(
        value,
        "Product",
        "ProductGroup",
        "IndividualProduct",
        "ProductModel",
        "Book",
        "Vehicle",
        "Car",
        "SomeProducts",
    ):
        yield value
        return
    for key in _TO_MAIN_ENTITY:
        if key in value:
            yield from _walk(value[key])


def _main_products(products: list[dict[str, Any]], page: Page) -> list[dict[str, Any]]:
    """The products this page is about: all of them, unless some are clearly the page's."""
    if len(products) == 1:
        return products
    h1 = page.tree.css_first("h1")
    heading = (collapse(h1.text()) or "").lower() if h1 is not None else ""
    titles = [heading, (page.title_tag or "").lower(), (page.meta("og:title") or "").lower()]
    named = [
        p
        for p in products
        if (name := (collapse(_text(p.get("name"))) or "").lower())
        and any(name in t for t in titles if t)
    ]
    return named or products


def _from_product(product: dict[str, Any], page: Page) -> Found:
    name = collapse(_text(product.get("name"))) or "product"
    offers = list(_offers(product.get("offers")))
    for variant in _as_list(product.get("hasVariant")):
        if isinstance(variant, dict):
            offers.extend(_offers(variant.get("offers"), variant))
    offers = [o for o in offers if not _is_used(o)] or offers
    named = [
        o for o in offers if url_names(page.url, o.get("url"), o.get("sku"), o.get("_variant_sku"))
    ]
    if named:
        offers = named
    rows: list[tuple[Decimal, str | None, Kind, str]] = []
    for offer in offers:
        rows.extend(_offer_prices(offer))
    sells = {(p, c) for p, c, kind, _ in rows if kind != "list"}
    candidates = []
    for price, currency, kind, evidence in rows:
        if kind == "price" and len(sells) > 1:
            kind = "from"
        candidates.append(Candidate(price, currency, SOURCE, f'Product "{name}": {evidence}', kind))
    if len(sells) > 1:
        low = min(sells, key=lambda pc: pc[0])
        candidates = [c for c in candidates if c.kind == "list" or (c.price, c.currency) == low]
    stock = [s for o in offers if (s := availability(_text(o.get("availability")))) is not None]
    return Found(tuple(candidates), any(stock) if stock else None)


def _offers(value: Any, variant: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    for offer in _as_list(value):
        if not isinstance(offer, dict):
            continue
        if variant is not None:
            offer = {
                **offer,
                "_variant_sku": variant.get("sku"),
                "url": offer.get("url") or variant.get("url"),
            }
        nested = offer.get("offers")
        if _is_type(offer, "AggregateOffer") and nested and not offer.get("lowPrice"):
            yield from _offers(nested, variant)
        else:
            yield offer


def _offer_prices(offer: dict[str, Any]) -> Iterator[tuple[Decimal, str | None, Kind, str]]:
    currency = normalize_code(_text(offer.get("priceCurrency"))) or _marked_currency(offer)
    low, high = _amount(offer.get("lowPrice"), currency), _amount(offer.get("highPrice"), currency)
    price = _amount(offer.get("price"), currency)
    if low is not None:
        kind: Kind = "price" if high is None or high == low else "from"
        yield low, currency, kind, f"AggregateOffer lowPrice={low} highPrice={high} {currency}"
    elif price is not None:
        yield price, currency, "price", f"offers.price={price} {currency}"
    for spec in _as_list(offer.get("priceSpecification")):
        if not isinstance(spec, dict):
            continue
        spec_currency = normalize_code(_text(spec.get("priceCurrency"))) or currency
        amount = _amount(spec.get("price"), spec_currency)
        if amount is None or (price is not None and amount == price):
            continue
        ptype = _text(spec.get("priceType")) or ""
        kind = "list" if any(t in ptype for t in _LIST_TYPES) else "price"
        yield (
            amount,
            spec_currency,
            kind,
            f"priceSpecification {ptype or 'price'}={amount} {spec_currency}",
        )


def _marked_currency(offer: dict[str, Any]) -> str | None:
    """The currency written into a price string ("€19.99") when priceCurrency is missing."""
    value = offer.get("price") or offer.get("lowPrice")
    parsed = parse_price_text(value) if isinstance(value, str) else None
    return parsed.currency if parsed else None


def _amount(value: Any, currency: str | None) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("@value")
    amount = parse_machine_amount(value)
    if amount is None and isinstance(value, str):
        parsed = parse_price_text(value, currency)
        amount = parsed.amount if parsed and not parsed.is_from else None
    return amount


def _is_used(offer: dict[str, Any]) -> bool:
    condition = (_text(offer.get("itemCondition")) or "").lower()
    return "used" in condition or "refurbished" in condition or "damaged" in condition


def _is_type(value: dict[str, Any], *names: str) -> bool:
    types = value.get("@type")
    labels = [str(t) for t in _as_list(types)]
    wanted = {n.lower() for n in names}
    return any(label.rsplit("/", 1)[-1].lower() in wanted for label in labels)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or value.get("@id")
    if isinstance(value, list):
        value = value[0] if value else None
    return html.unescape(str(value)) if value is not None else None
