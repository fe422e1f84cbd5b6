"""Pinduoduo (拼多多): goods pages on mobile.yangkeduo.com.

The page embeds `window.rawData = {...}` whose `store.initDataObj.goods` (older pages:
`goods` at another depth, found by walking) holds the goods name and prices in fen
(1/100 yuan) as integers: `minGroupPrice`/`maxGroupPrice` (拼单价, what most buyers pay),
`minNormalPrice`/`maxNormalPrice` (单独购买, buying alone), `marketPrice` (the list price),
and `skus` each with `groupPrice`, `normalPrice`, `skuId`, `quantity`. Prices written as
strings with a decimal point are taken as yuan.

The group price is reported as the price, the normal (buy-alone) price beside it as a
promotion-free fact is not needed. Different SKU prices are a range, which is no price
unless the URL names a SKU (`sku_id=`): the low end of a range is what the cheapest SKU
costs, not what this listing costs. 百亿补贴 and 限购 marks in the goods' tags are read
into promotions. Without a login PDD usually serves a login page
instead of rawData; the wall check reports that.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tracker.extract import promotions as promo
from tracker.extract.model import Candidate, Found, Kind
from tracker.extract.page import Page, collapse
from tracker.extract.scriptstate import state_after, walk_dicts

RANGE_NOTE = "only a price range over several SKUs, and the URL names no SKU"
SOURCE = "pinduoduo"


def extract(page: Page) -> Found:
    """Candidates from a Pinduoduo goods page."""
    raw = state_after(page, "window.rawData") or state_after(page, "rawData")
    goods = next(
        (
            obj
            for _, obj in walk_dicts(raw)
            if "minGroupPrice" in obj or ("goodsName" in obj and "skus" in obj)
        ),
        None,
    )
    if goods is None:
        return Found()
    title = collapse(goods.get("goodsName")) if isinstance(goods.get("goodsName"), str) else None
    candidates = _sku_named(goods, page) or _group_prices(goods)
    note = RANGE_NOTE if not candidates and _has_range(goods) else None
    market = fen_or_yuan(goods.get("marketPrice"))
    if market is not None and candidates and market > candidates[0].price:
        candidates.append(
            Candidate(
                market, "CNY", SOURCE, f"rawData goods.marketPrice={goods['marketPrice']}", "list"
            )
        )
    return Found(tuple(candidates), _in_stock(goods), title, note, _promotions(goods))


def _has_range(goods: dict[str, Any]) -> bool:
    low, high = fen_or_yuan(goods.get("minGroupPrice")), fen_or_yuan(goods.get("maxGroupPrice"))
    prices = {fen_or_yuan(s.get("groupPrice")) for s in _skus(goods)}
    return (low is not None and high is not None and high != low) or len(prices - {None}) > 1


def _skus(goods: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in goods.get("skus") or [] if isinstance(s, dict)]


def _promotions(goods: dict[str, Any]) -> tuple[promo.Promotion, ...]:
    """Limits and subsidy marks the goods state states in words (its tags and titles)."""
    texts = []
    for key in ("goodsTags", "tagList", "tags", "promotionTags", "activityTags"):
        for tag in goods.get(key) or []:
            text = tag.get("text") or tag.get("desc") if isinstance(tag, dict) else tag
            if isinstance(text, str):
                texts.append(text)
    limit = goods.get("limitQuantity") or goods.get("quantityLimit")
    out = [p for text in texts for p in promo.from_text(text, "pdd")]
    if isinstance(limit, int) and not isinstance(limit, bool) and limit > 0:
        out.append(promo.offer("limit", limit, source_text=f"limitQuantity={limit}"))
    return promo.unique(out)


def fen_or_yuan(value: Any) -> Decimal | None:
    """An amount in yuan from an integer in fen, or from a decimal string in yuan."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return (Decimal(value) / 100).quantize(Decimal("0.01")) if value > 0 else None
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        return None
    if "." not in str(value):
        amount = amount / 100
    return amount.quantize(Decimal("0.01")) if amount > 0 else None


def _group_prices(goods: dict[str, Any]) -> list[Candidate]:
    low = fen_or_yuan(goods.get("minGroupPrice"))
    high = fen_or_yuan(goods.get("maxGroupPrice"))
    if low is None:
        prices = [
            p
            for s in goods.get("skus") or []
            if isinstance(s, dict) and (p := fen_or_yuan(s.get("groupPrice")))
        ]
        if not prices:
            return []
        low, high = min(prices), max(prices)
    if high is not None and high != low:
        return []  # a range over SKUs: no price without a SKU
    kind: Kind = "price"
    group = f"{goods.get('minGroupPrice')}..{goods.get('maxGroupPrice')}"
    evidence = f"rawData goods.minGroupPrice..maxGroupPrice={group} (fen)"
    return [Candidate(low, "CNY", SOURCE, evidence, kind)]


def _sku_named(goods: dict[str, Any], page: Page) -> list[Candidate]:
    query = parse_qs(urlsplit(page.url or "").query)
    wanted = set(query.get("sku_id", []) + query.get("skuId", []))
    if not wanted:
        return []
    for sku in goods.get("skus") or []:
        if isinstance(sku, dict) and str(sku.get("skuId") or sku.get("skuID")) in wanted:
            price = fen_or_yuan(sku.get("groupPrice"))
            if price is not None:
                return [
                    Candidate(
                        price,
                        "CNY",
                        SOURCE,
                        f"rawData sku {sku.get('skuId') or sku.get('skuID')} groupPrice",
                        "price",
                    )
                ]
    return []


def _in_stock(goods: dict[str, Any]) -> bool | None:
    if goods.get("isOnSale") is False or goods.get("status") in (2, 3, 4):
        return False
    skus = [s for s in goods.get("skus") or [] if isinstance(s, dict) and "quantity" in s]
    if skus:
        return any((s.get("quantity") or 0) > 0 for s in skus)
    return True if goods.get("isOnSale") is True else None


def recognise(page: Page) -> bool:
    """A Pinduoduo goods page saved without its URL: `window.rawData` with goods."""
    return page.tree.scripts_contain("window.rawData") and page.tree.scripts_contain("goodsName")
