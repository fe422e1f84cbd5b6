"""Douyin shop (抖音商城 / 巧乐/精选联盟): product pages on haohuo.jinritemai.com and douyin.com.

These pages are rendered from state embedded in the HTML: a percent-encoded JSON
`<script id="RENDER_DATA">`, a `__NEXT_DATA__` JSON script, or `window.__INITIAL_STATE__`;
or from the product service's reply (`ec.snssdk.com/product/fxgajaxstaticitem`, JSON
`{"data": {product}}`), read the same way when that reply is what was saved.
The product object carries `name`/`title` and prices in fen as integers: `min_price`,
`max_price` (the SKU range), `discount_price` (the promotion price, when one runs) and
`market_price` (the struck list price). A string with a decimal point is taken as yuan.
A `min_price`..`max_price` range without a discount price is no price (the low end is the
cheapest SKU, not this listing).
Most product pages need the app or a logged-in browser; without them the shop returns a
verification page, which the wall check reports.
"""

from __future__ import annotations

from typing import Any

from tracker.extract import promotions as promo
from tracker.extract.model import Candidate, Found
from tracker.extract.page import Page, collapse
from tracker.extract.platforms.pinduoduo import fen_or_yuan
from tracker.extract.scriptstate import json_script, payload, state_after, walk_dicts

# ec.snssdk.com answers the product pages' own requests (`/product/fxgajaxstaticitem`).
SOURCE = "douyin"
RANGE_NOTE = "only a price range over several SKUs, and the URL names no SKU"
_PRICE_KEYS = ("min_price", "discount_price", "minPrice", "discountPrice")


def extract(page: Page) -> Found:
    """Candidates from a Douyin shop product page."""
    for state in (
        payload(page),  # the product service's reply, bare JSON or JSONP
        json_script(page, "script#RENDER_DATA"),
        json_script(page, "script#__NEXT_DATA__"),
        state_after(page, "window.__INITIAL_STATE__"),
        state_after(page, "window._ROUTER_DATA"),
    ):
        product = next(
            (obj for _, obj in walk_dicts(state) if any(k in obj for k in _PRICE_KEYS)), None
        )
        if product is not None:
            return _from_product(product)
    return Found()


def _field(product: dict[str, Any], snake: str) -> Any:
    """A field under its snake_case name or its camelCase twin."""
    head, *rest = snake.split("_")
    return product.get(snake, product.get(head + "".join(w.title() for w in rest)))


def _from_product(product: dict[str, Any]) -> Found:
    low = fen_or_yuan(_field(product, "min_price"))
    high = fen_or_yuan(_field(product, "max_price"))
    discount = fen_or_yuan(_field(product, "discount_price"))
    market = fen_or_yuan(_field(product, "market_price"))
    raw = {
        k: _field(product, k) for k in ("min_price", "max_price", "discount_price", "market_price")
    }
    candidates = []
    if discount is not None and (low is None or discount <= low):
        evidence = f"discount_price={raw['discount_price']} (fen)"
        candidates.append(Candidate(discount, "CNY", SOURCE, evidence, "price"))
    elif low is not None and (high is None or high == low):
        evidence = f"min_price={raw['min_price']} max_price={raw['max_price']} (fen)"
        candidates.append(Candidate(low, "CNY", SOURCE, evidence))
    if market is not None and candidates and market > candidates[0].price:
        evidence = f"market_price={raw['market_price']} (fen)"
        candidates.append(Candidate(market, "CNY", SOURCE, evidence, "list"))
    name = product.get("name") or product.get("title")
    stock_num = _field(product, "stock_num")
    stock = None
    if product.get("sold_out") is True or stock_num == 0:
        stock = False
    elif isinstance(stock_num, int):
        stock = stock_num > 0
    note = RANGE_NOTE if not candidates and low is not None else None
    title = collapse(name) if isinstance(name, str) else None
    return Found(tuple(candidates), stock, title, note, _promotions(product))


def _promotions(product: dict[str, Any]) -> tuple[promo.Promotion, ...]:
    """Coupons and promotions the product states in words (满99减10, 限购2件).

    Only their texts are read: what a coupon's numeric fields mean is not documented, and
    the words are what the shopper is shown.
    """
    texts = [
        text
        for key, value in product.items()
        if ("coupon" in key.lower() or "promotion" in key.lower()) and isinstance(value, list)
        for entry in value
        if isinstance(entry, dict)
        for field in ("title", "desc", "text")
        if isinstance(text := entry.get(field), str)
    ]
    shop = product.get("shop_name")
    return promo.unique(
        [
            p
            for text in texts
            for p in promo.from_text(text, "douyin", shop if isinstance(shop, str) else None)
        ]
    )


def recognise(page: Page) -> bool:
    """A Douyin shop page saved without its URL: RENDER_DATA state with product prices."""
    return page.tree.css_first("script#RENDER_DATA") is not None and page.tree.scripts_contain(
        "min_price"
    )
