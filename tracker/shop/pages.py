"""The fixture shop's catalogue and how its product pages look.

Pages come from the shipped templates `data/shop/product.html` (price visible in the HTML
and in schema.org JSON-LD, as most shops do) and `data/shop/product-js.html` (price
written by JavaScript after load, as on shops that render in the browser). They can be
encoded as UTF-8 or GBK, the two encodings Chinese shops use.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from email.utils import formatdate
from string import Template
from typing import Any

from planner.money import CURRENCY_SYMBOLS
from planner.shipped import shipped_file

__all__ = ["RenderedPage", "ShopProduct", "generated_product", "render_product"]

# Last-Modified is derived from the product's version, not the clock, so runs repeat.
_EPOCH = 1767225600  # 2026-01-01T00:00:00Z
# Shops print the bare yen sign for JPY too, and their own code for what has no sign.
_SYMBOLS = CURRENCY_SYMBOLS | {"JPY": "¥"}
_FULL_WIDTH = {"¥": "￥", "£": "￡", "€": "EUR "}
_AVAILABILITY = {True: "https://schema.org/InStock", False: "https://schema.org/OutOfStock"}


@dataclass
class ShopProduct:
    """One product of the fixture shop, as the admin endpoint sets it."""

    slug: str
    title: str
    price: str
    currency: str = "CNY"
    list_price: str | None = None
    in_stock: bool = True
    promotion: str | None = None  # a phrase stated beside the price, e.g. "领券 满100减20"
    render: str = "html"  # html | js
    version: int = 1

    def update(self, changes: dict[str, Any]) -> None:
        """Apply admin changes (validated), bumping the version so validators change."""
        for key in ("title", "currency", "render"):
            if key in changes:
                setattr(self, key, str(changes[key]))
        if "promotion" in changes:
            self.promotion = None if changes["promotion"] is None else str(changes["promotion"])
        for key in ("price", "list_price"):
            if key in changes:
                setattr(self, key, None if changes[key] is None else _decimal(changes[key]))
        if "in_stock" in changes:
            self.in_stock = bool(changes["in_stock"])
        if self.render not in ("html", "js"):
            raise ValueError(f"render must be html or js, not {self.render!r}")
        self.version += 1

    @property
    def modified(self) -> int:
        """Seconds since the epoch of the last change."""
        return _EPOCH + 60 * self.version

    def as_json(self) -> dict[str, Any]:
        """The product for the admin API."""
        return asdict(self)


def _decimal(value: object) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a price: {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"not a price: {value!r}")
    return str(amount.quantize(Decimal("0.01")))


def generated_product(index: int) -> ShopProduct:
    """The `index`-th product of a generated catalogue (`--products N`), deterministic."""
    price = f"{(index * 37) % 900 + 10}.{index % 100:02d}"
    return ShopProduct(slug=f"p{index:04d}", title=f"测试商品 {index} 号", price=price)


@dataclass(frozen=True)
class RenderedPage:
    """A page's bytes with its validators."""

    body: bytes
    content_type: str
    etag: str
    last_modified: str


def render_product(
    product: ShopProduct, charset: str = "utf-8", declare: str = "both"
) -> RenderedPage:
    """The product page, encoded in `charset`, declared in the header, the meta or both."""
    symbol = _symbol(product.currency, charset)
    title = html.escape(product.title)
    if product.render == "js":
        text = Template(shipped_file("shop/product-js.html").read_text("utf-8")).substitute(
            title=title,
            slug=html.escape(product.slug),
            price_cents=int(Decimal(product.price) * 100),
            currency=product.currency,
            currency_symbol=symbol,
            title_json=_script_json(product.title),
        )
    else:
        text = _static_page(product, title, symbol, charset)
    body = text.encode(charset, errors="xmlcharrefreplace")
    header_charset = declare in ("header", "both")
    content_type = f"text/html; charset={charset}" if header_charset else "text/html"
    digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:20]
    modified = formatdate(product.modified, usegmt=True)
    return RenderedPage(body, content_type, f'"{digest}"', modified)


def _symbol(currency: str, charset: str) -> str:
    """The currency sign, in its full-width form where the charset lacks it (¥ in GBK)."""
    symbol = _SYMBOLS.get(currency, currency + " ")
    try:
        symbol.encode(charset)
    except UnicodeEncodeError:
        return _FULL_WIDTH.get(symbol, currency + " ")
    return symbol


def _static_page(product: ShopProduct, title: str, symbol: str, charset: str) -> str:
    offer: dict[str, Any] = {
        "@type": "Offer",
        "price": product.price,
        "priceCurrency": product.currency,
        "availability": _AVAILABILITY[product.in_stock],
    }
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Product"}
    data["name"] = product.title
    data["offers"] = offer
    list_html = ""
    if product.list_price is not None:
        list_html = f'<del class="list-price">原价 {symbol}{product.list_price}</del>'
    return Template(shipped_file("shop/product.html").read_text("utf-8")).substitute(
        charset=charset,
        title=title,
        slug=html.escape(product.slug),
        price_text=f"{symbol}{product.price}",
        list_price_html=list_html,
        promotion_html=(
            f'<p class="promotion">{html.escape(product.promotion)}</p>'
            if product.promotion
            else ""
        ),
        stock_text="有货 In stock" if product.in_stock else "无货 Out of stock",
        json_ld=_script_json(data),
    )


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")
