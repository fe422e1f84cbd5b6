"""JD (京东): item pages (item.jd.com, item.m.jd.com, jd.hk, 京东大药房 item.yiyaojd.com)
and JD's price service.

A JD item page carries `pageConfig.product` (SKU id, name, ware status) but an empty price
box: `<span class="price J-p-{sku}">` is filled by JavaScript from JD's price service,
whose reply (bare JSON or JSONP) is a list of `{"id": "J_{sku}", "p": "1399.00", "m":
"1999.00", "op": "1399.00", "tpp": "1299.00"}`. So the adapter reads, in order: a filled
price box (a page rendered by a browser; older pages: `#jd-price`), price objects of the
service's shape (a reply given as the whole input, or inlined in a page), and the mobile
page's `window._itemInfo` state. `p` is the price; `m` (market) and `op` (original), when
higher, are list prices; `tpp` is the PLUS member price, recorded as a promotion and never
the price. A `p` of `-1.00` means "no price" (off the shelf). An empty price box means
"rendered by JavaScript".

Several price objects for different SKUs (accessories, bundles 套装) without knowing which
SKU the page is for give no price, never the first one. Promotion-service replies
(`prom.pickOneTag`, `skuCoupon`) are read into promotions.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tracker.extract import promotions as promo
from tracker.extract.model import JS_NOTE, Candidate, Found
from tracker.extract.page import Page, collapse
from tracker.extract.platforms.jd_promotions import promotions_of
from tracker.extract.pricetext import parse_machine_amount, parse_price_text
from tracker.extract.scriptstate import payload, state_after, walk_dicts

SOURCE = "jd"

_SKU = re.compile(r"\bskuid\s*:\s*['\"]?(\d+)", re.IGNORECASE)
_PATH_SKU = re.compile(r"/(\d{4,})\.html$")
_QUERY_SKU_KEYS = ("skuids", "skuid", "sku", "wareid")
_NAME = re.compile(r"\bname\s*:\s*'((?:[^'\\]|\\.)*)'")
_WARESTATUS = re.compile(r"\bwarestatus\s*:\s*(\d+)", re.IGNORECASE)
_PRICE_OBJECT = re.compile(r'\{[^{}]*"id"\s*:\s*"J_(\d+)"[^{}]*\}')
_OFF_SHELF = ("该商品已下柜", "商品已下架", "已下柜")
_NO_QUOTE = "暂无报价"  # JD's "no quote": off sale, or not sold to this region
_NO_STOCK = ("无货", "暂时无货", "该地区暂不支持配送")
_BOXES = ("#jd-price", ".summary-price .p-price .price", "#spec-price .price")


def extract(page: Page) -> Found:
    """Candidates from a JD item page or a JD price/promotion-service reply."""
    config = _page_config(page)
    sku = _sku(page, config)
    title = _title(page, config)
    extra: list[promo.Promotion]
    candidates, extra, note = _price_box(page, sku), [], None
    if not candidates:
        candidates, extra, note = _price_service(page, sku)
    if not candidates and not note:
        candidates = _item_info(page)
    if not candidates and not note and sku:
        note = _empty_box_note(page, sku)
    found = promo.unique([*extra, *_plus_box(page), *promotions_of(page)])
    return Found(tuple(candidates), _in_stock(page, config), title, note, found)


def _page_config(page: Page) -> str:
    return next((s for s in page.scripts if "pageConfig" in s), "")


def _sku(page: Page, config: str) -> str | None:
    match = _SKU.search(config)
    if match:
        return match.group(1)
    return _url_sku(page.url or "")


def _url_sku(url: str) -> str | None:
    """The SKU an item URL (`/<sku>.html`) or a service URL (`skuIds=J_<sku>`) names.

    The query is decoded first: a stored URL writes the comma of `skuIds=J_1,J_2` as `%2C`,
    and a request for several SKUs names none of them as the page's.
    """
    parts = urlsplit(url)
    in_path = _PATH_SKU.search(parts.path)
    if in_path:
        return in_path.group(1)
    for key, value in parse_qsl(parts.query):
        if key.lower() in _QUERY_SKU_KEYS:
            ids = [v.strip().removeprefix("J_") for v in value.split(",") if v.strip()]
            return ids[0] if len(ids) == 1 and ids[0].isdigit() else None
    return None


def _title(page: Page, config: str) -> str | None:
    node = page.tree.css_first(".sku-name, .itemInfo-wrap .sku-name, #itemName, .fn_goods_name")
    if node is not None and collapse(node.text()):
        return collapse(node.text())
    match = _NAME.search(config)
    if not match:
        return None
    try:  # older pages write the name with \u escapes
        return collapse(json.loads(f'"{match.group(1)}"'))
    except (ValueError, RecursionError):  # malformed, too deep, or a huge integer
        return collapse(match.group(1))


def _price_box(page: Page, sku: str | None) -> list[Candidate]:
    selectors = [f".price.J-p-{sku}", f".J-p-{sku}"] if sku else []
    for selector in (*selectors, *_BOXES):
        for node in page.tree.css(selector):
            text = collapse(node.text())
            parsed = parse_price_text(text or "", "CNY")
            if parsed is None:
                continue
            if parsed.is_from:
                return []  # a range in the item's own box: no single price
            box = Candidate(parsed.amount, "CNY", SOURCE, f'price box {selector} "{text}"')
            return [box, *_struck_origin(page, parsed.amount)]
    return []


def _struck_origin(page: Page, price: Decimal) -> list[Candidate]:
    """The struck 原价 beside a filled price box (`<del id="page_origin_price">`), when higher.

    Only beside a price: on an unrendered page it is a leftover, not evidence of a list price.
    """
    node = page.tree.css_first("#page_origin_price")
    text = collapse(node.text()) if node is not None else None
    parsed = parse_price_text(text or "", "CNY")
    if parsed is None or parsed.is_from or parsed.amount <= price:
        return []
    return [Candidate(parsed.amount, "CNY", SOURCE, f'struck origin price "{text}"', "list")]


def _empty_box_note(page: Page, sku: str) -> str | None:
    """Why the item's own price box gives no price: JD says it has none, or it is empty."""
    boxes = page.tree.css(f".J-p-{sku}")
    if any(_NO_QUOTE in (node.text() or "") for node in boxes):
        return f"JD states no price for this item ({_NO_QUOTE})"
    return JS_NOTE if boxes else None


def _plus_box(page: Page) -> list[promo.Promotion]:
    node = page.tree.css_first(".p-price-plus .price, .J-plus-price .price")
    text = collapse(node.text()) if node is not None else None
    parsed = parse_price_text(text or "", "CNY")
    if parsed is None or parsed.is_from:
        return []
    made = promo.member_price(parsed.amount, "plus", f"PLUS价 {text}")
    return [made] if made else []


def _price_objects(page: Page) -> list[dict[str, Any]]:
    """Every price object in a reply given as the input, or inlined in the page's scripts."""
    reply = payload(page)
    if reply is not None:
        return [obj for _, obj in walk_dicts(reply) if "p" in obj and _priceish(obj)]
    out = []
    for script in page.scripts:
        for match in _PRICE_OBJECT.finditer(script):
            try:
                out.append(json.loads(match.group(0)))
            except (ValueError, RecursionError):  # malformed, too deep, or a huge integer
                continue
    return out


def _priceish(obj: dict[str, Any]) -> bool:
    return any(key in obj for key in ("id", "m", "op", "tpp")) and not isinstance(obj["p"], dict)


def _price_service(
    page: Page, sku: str | None
) -> tuple[list[Candidate], list[promo.Promotion], str | None]:
    objects = _price_objects(page)
    mine = [o for o in objects if _object_sku(o) in (sku, None)] if sku else objects
    prices = {str(o.get("p")) for o in mine}
    if len(prices) > 1:
        return [], [], "several prices in the price service reply and no SKU to choose one"
    for obj in mine:
        where = f"price service J_{_object_sku(obj) or '?'}"
        candidates = _from_price_object(obj, where)
        if not candidates:
            return [], [], f'the price service states no price ({where} p="{obj.get("p")}")'
        member = promo.member_price(obj.get("tpp"), "plus", f'{where} tpp="{obj.get("tpp")}"')
        return candidates, [member] if member else [], None
    return [], [], None


def _object_sku(obj: dict[str, Any]) -> str | None:
    raw = str(obj.get("id") or obj.get("skuId") or "")
    return raw.removeprefix("J_") or None


def _item_info(page: Page) -> list[Candidate]:
    state = state_after(page, "window._itemInfo") or state_after(page, "_itemOnly")
    for path, obj in walk_dicts(state):
        if path and path[-1] in ("price", "jdPrice") and "p" in obj:
            found = _from_price_object(obj, "window._itemInfo." + ".".join(path))
            if found:
                return found
    return []


def _from_price_object(data: dict[str, Any], where: str) -> list[Candidate]:
    price = parse_machine_amount(data.get("p"))
    if price is None:
        return []
    out = [Candidate(price, "CNY", SOURCE, f'{where} p="{data.get("p")}"', "price")]
    higher = [
        v
        for key in ("m", "op")
        if (v := parse_machine_amount(data.get(key))) is not None and v > price
    ]
    if higher:
        out.append(Candidate(max(higher), "CNY", SOURCE, f"{where} market/original price", "list"))
    return out


def _in_stock(page: Page, config: str) -> bool | None:
    status = _WARESTATUS.search(config)
    if status and status.group(1) == "0":
        return False
    prompt = page.tree.css_first("#store-prompt, .store-prompt, #summary-stock")
    prompt_text = collapse(prompt.text()) if prompt is not None else ""
    if prompt_text and any(word in prompt_text for word in _NO_STOCK):
        return False
    if any(word in page.body_text for word in _OFF_SHELF):
        return False
    if prompt_text and "有货" in prompt_text:
        return True
    return None


def recognise(page: Page) -> bool:
    """A JD item page saved without its URL: `pageConfig` with a SKU id."""
    return page.tree.scripts_contain("pageConfig") and page.tree.scripts_contain("skuid")
