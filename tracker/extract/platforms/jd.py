"""JD (京东): item pages on item.jd.com, item.m.jd.com and jd.hk.

A JD item page carries `pageConfig.product` (SKU id, name, ware status) but not the price:
the price box `<span class="price J-p-{sku}">` is filled by JavaScript from JD's price
service. So the adapter reads, in order: a filled price box (pages saved from a browser
or fetched in browser mode), a price object of the price service's shape
(`{"id": "J_{sku}", "p": "5999.00", "m": "6999.00"}`) inlined in the page, and the mobile
page's `window._itemInfo` state. An empty price box means "rendered by JavaScript".
`p` is the price; `m` (market price) and `op` (original price), when higher, are list
prices.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from tracker.extract.model import JS_NOTE, Candidate, Found
from tracker.extract.page import Page, collapse
from tracker.extract.pricetext import parse_machine_amount, parse_price_text
from tracker.extract.scriptstate import state_after, walk_dicts

HOSTS = ("jd.com", "jd.hk", "360buy.com")
SOURCE = "jd"

_SKU = re.compile(r"\bskuid\s*:\s*['\"]?(\d+)", re.IGNORECASE)
_NAME = re.compile(r"\bname\s*:\s*'((?:[^'\\]|\\.)*)'")
_WARESTATUS = re.compile(r"\bwarestatus\s*:\s*(\d+)", re.IGNORECASE)
_PRICE_OBJECT = re.compile(r'\{[^{}]*"id"\s*:\s*"J_(\d+)"[^{}]*\}')
_OFF_SHELF = ("该商品已下柜", "商品已下架", "已下柜")
_NO_STOCK = ("无货", "暂时无货", "该地区暂不支持配送")


def extract(page: Page) -> Found:
    """Candidates from a JD item page."""
    config = _page_config(page)
    sku = _sku(page, config)
    title = _title(page, config)
    candidates = _price_box(page, sku) or _price_service(page, sku) or _item_info(page)
    note = None
    if not candidates and (page.tree.css_first(f".J-p-{sku}") is not None if sku else False):
        note = JS_NOTE
    return Found(tuple(candidates), _in_stock(page, config), title, note)


def _page_config(page: Page) -> str:
    return next((s for s in page.scripts if "pageConfig" in s), "")


def _sku(page: Page, config: str) -> str | None:
    match = _SKU.search(config)
    if match:
        return match.group(1)
    url_sku = re.search(r"/(\d{5,})\.html", page.url or "")
    return url_sku.group(1) if url_sku else None


def _title(page: Page, config: str) -> str | None:
    node = page.tree.css_first(".sku-name, .itemInfo-wrap .sku-name, #itemName, .fn_goods_name")
    if node is not None and collapse(node.text()):
        return collapse(node.text())
    match = _NAME.search(config)
    return collapse(match.group(1)) if match else None


def _price_box(page: Page, sku: str | None) -> list[Candidate]:
    if not sku:
        return []
    for node in page.tree.css(f".J-p-{sku}"):
        text = collapse(node.text())
        parsed = parse_price_text(text or "", "CNY")
        if parsed is not None:
            return [
                Candidate(
                    parsed.amount,
                    "CNY",
                    SOURCE,
                    f'price box .J-p-{sku} "{text}"',
                    "from" if parsed.is_from else "price",
                )
            ]
    return []


def _price_service(page: Page, sku: str | None) -> list[Candidate]:
    for script in page.scripts:
        for match in _PRICE_OBJECT.finditer(script):
            if sku and match.group(1) != sku:
                continue
            try:
                data = json.loads(match.group(0))
            except json.JSONDecodeError:
                continue
            found = _from_price_object(data, f"price object J_{match.group(1)}")
            if found:
                return found
    return []


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
    higher: list[Decimal] = [
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
