"""Taobao (淘宝) and Tmall (天猫): PC detail pages and mobile (H5) pages.

What the pages hold:
- PC pages (item.taobao.com, detail.tmall.com) render the price panel empty and fill it
  by JavaScript from the `mdskip` service; the embedded `TShop.Setup({...})` /
  `g_config` JSON has only the item's reserve price (`reservePrice`, `defaultItemPrice`),
  which is the list price before promotions, never a confirmed selling price. So a PC page
  alone gives a list price and "price rendered by JavaScript; try browser mode".
- A PC page rendered in a browser has the panel filled: `.tm-promo-price .tm-price` /
  `#J_PromoPriceNum` (the promotion price, which is the price) and
  `#J_StrPriceModBox .tm-price` / `#J_StrPrice .tb-rmb-num` (the struck price).
- Mobile pages (detail.m.tmall.com, h5/main.m.taobao.com) embed state (`_DATA_Mdskip`,
  `_DATA_Detail`, `__INITIAL_DATA__`) with price objects `{"priceText": "259",
  "priceTitle": "券后"}`; an entry with `lineThrough` is the struck list price.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborNode

from tracker.extract import promotions as promo
from tracker.extract.model import JS_NOTE, Candidate, Found, Kind
from tracker.extract.page import Page, collapse
from tracker.extract.platforms import taobao_state as state
from tracker.extract.pricetext import parse_machine_amount, parse_price_text
from tracker.extract.scriptstate import payload, state_after, walk_dicts

SOURCE = "taobao"

_STATES = (
    "_DATA_Mdskip",
    "_DATA_Detail",
    "window.__INITIAL_DATA__",
    "window.__ICE_APP_CONTEXT__",
    "window.__INIT_DATA",
    "TShop.Setup",
    "g_config",
)
_SELLING = (
    "#J_PromoPriceNum",
    ".tm-promo-price .tm-price",
    "#J_PromoPrice .tm-price",
    ".tb-promo-price .tb-rmb-num",
)
_STRUCK = ("#J_StrPriceModBox .tm-price", "#J_StrPrice .tb-rmb-num", "#J_StrPrice em.tb-rmb-num")
_PROMO_ROWS = "#J_OtherDiscount, .tm-coupon-panel, #J_PromoHint, .tb-other-discount, .tm-fcs-panel"
_ITEM_KEYS = ("item", "itemDO", "itemInfoModel", "itemBasic", "itemInfo")
_PANELS = (
    "#J_StrPriceModBox dd",
    "#J_PromoPrice dd",
    "#J_StrPrice",
    "#J_PromoPriceNum",
    ".tm-price-panel dd",
    ".tb-promo-price",
)
_SOLD_OUT = ("已下架", "此商品已下架", "宝贝已下架", "已售罄", "该宝贝已下架", "商品已经下架")


def extract(page: Page) -> Found:
    """Candidates from a Taobao/Tmall page, mobile state or price-service reply."""
    states = {name: state_after(page, name) for name in _STATES}
    reply = payload(page)
    if isinstance(reply, dict):
        states["reply"] = reply
    sku = _url_sku(page)
    shop = _shop(states)
    promotions: list[promo.Promotion]
    candidates, promotions, note = _rendered_panel(page), [], None
    ranged = _panel_range(page)
    if not any(c.kind == "price" for c in candidates) and not ranged:
        priced, promotions, note = _state_price(states, sku, shop)
        candidates = priced or candidates  # else the 价格 row of a server page: a list price
    elif ranged and not any(c.kind == "price" for c in candidates):
        note = state.RANGE_NOTE  # a struck single price beside a range stays a list price
    promotions += _panel_promotions(page, shop)
    candidates += _reserve_price(states, candidates)
    if note is None and not any(c.kind != "list" for c in candidates) and _empty_panel(page):
        note = JS_NOTE
    return Found(
        tuple(candidates),
        _in_stock(page, states),
        _title(page, states),
        note,
        promo.unique(promotions),
    )


def _url_sku(page: Page) -> str | None:
    query = parse_qs(urlsplit(page.url or "").query)
    values = query.get("skuId") or query.get("sku_id") or query.get("skuid")
    return values[0] if values and values[0].isdigit() else None


def _shop(states: dict[str, Any]) -> str | None:
    for name in ("_DATA_Detail", "TShop.Setup", "g_config"):
        for _, obj in walk_dicts(states.get(name)):
            shop = obj.get("shopName")
            if isinstance(shop, str) and shop.strip():
                return shop.strip()
    return None


def _state_price(states: dict[str, Any], sku: str | None, shop: str | None) -> state.Priced:
    """The price from the page's state or a price-service reply, most specific first."""
    for where, block, model in state.price_models(states):
        priced = state.from_model(where, block, model, sku, shop)
        if priced[0] or priced[2]:
            return priced
    for name in ("_DATA_Mdskip", "reply", "window.__INIT_DATA"):
        for path, obj in walk_dicts(states.get(name)):
            if "priceInfo" in obj:
                priced = state.from_price_info(".".join((name, *path)), obj, sku)
                if priced[0] or priced[2]:
                    return priced
    if isinstance(states.get("reply"), dict):
        return state.from_sib(states["reply"], shop)
    return [], [], None


def _visible(node: LexborNode | None) -> bool:
    """Whether a panel row is shown (Taobao hides the promotion row with `tb-hidden`)."""
    if node is None:
        return False
    classes = (node.attrs.get("class") or "").split()
    style = (node.attrs.get("style") or "").replace(" ", "").lower()
    return not ({"tb-hidden", "hidden", "tm-hidden"} & set(classes)) and "display:none" not in style


def _panel_range(page: Page) -> bool:
    """Whether the rendered panel shows only a range (`149.00 - 159.00`)."""
    for selector in (*_SELLING, *_STRUCK):
        node = page.tree.css_first(selector)
        parsed = parse_price_text(collapse(node.text()) or "", "CNY") if node else None
        if parsed is not None and parsed.is_from:
            return True
    return False


def _rendered_panel(page: Page) -> list[Candidate]:
    """The filled price panel of a rendered PC page.

    The promotion row (促销价) is the price when it is shown; when it is hidden or absent
    on a page whose scripts have run, the 价格 row is the price, not a struck one. The
    server's own HTML hides the row whatever promotion runs and prints the reserve price
    in the 价格 row, so there that row is only a list price. A range is no price.
    """
    promo_row = page.tree.css_first("#J_PromoPrice")
    shows_promo = _visible(promo_row) or (
        promo_row is None and page.tree.css_first(".tm-promo-price") is not None
    )
    out: list[Candidate] = []
    if shows_promo:
        out += _first_price(page, _SELLING, "price")
    # A shown promotion row makes the 价格 row struck, even while JavaScript fills it.
    selling = not shows_promo and _scripts_ran(page)
    out += _first_price(page, _STRUCK, "price" if selling else "list")
    return out


def _scripts_ran(page: Page) -> bool:
    """Whether the page is a DOM its scripts have worked on, not the server's HTML.

    Taobao's and Tmall's PC pages run on KISSY, which marks `<html>` with the browser it
    found (`ks-webkit`, `ks-chrome83`, `ks-ie8`...): a saved or rendered DOM carries those
    classes, the HTML a plain fetch receives does not.
    """
    root = page.tree.css_first("html")
    classes = (root.attrs.get("class") or "").split() if root is not None else []
    return any(name.startswith("ks-") for name in classes)


def _first_price(page: Page, selectors: tuple[str, ...], kind: Kind) -> list[Candidate]:
    for selector in selectors:
        node = page.tree.css_first(selector)
        text = collapse(node.text()) if node is not None else None
        parsed = parse_price_text(text or "", "CNY")
        if parsed is not None and not parsed.is_from:
            return [Candidate(parsed.amount, "CNY", SOURCE, f'{selector} "{text}"', kind)]
    return []


def _panel_promotions(page: Page, shop: str | None) -> list[promo.Promotion]:
    """Coupon and promotion rows of a rendered PC panel (领券, 满减, 限购)."""
    out: list[promo.Promotion] = []
    for node in page.tree.css(_PROMO_ROWS):
        if _visible(node) and (text := collapse(node.text())):
            platform = "tmall" if "tmall" in page.host else "taobao"
            out += promo.from_text(text, platform, shop)
    return out


def _reserve_price(states: dict[str, Any], found: list[Candidate]) -> list[Candidate]:
    """The reserve/default item price: a list price, and only when none was shown."""
    if any(c.kind == "list" for c in found):
        return []
    for name in ("TShop.Setup", "g_config"):
        for _, obj in walk_dicts(states.get(name)):
            if any("-" in str(obj.get(k) or "") for k in ("reservePrice", "defaultItemPrice")):
                return []  # a range's low end is not a list price
            for key in ("reservePrice", "defaultItemPrice"):
                amount = parse_machine_amount(obj.get(key))
                if amount is not None and _above_selling(amount, found):
                    return [
                        Candidate(
                            amount,
                            "CNY",
                            SOURCE,
                            f'{name} {key}="{obj[key]}" (list price before promotions)',
                            "list",
                        )
                    ]
    return []


def _above_selling(amount: Decimal, found: list[Candidate]) -> bool:
    return all(amount >= c.price for c in found)


def _empty_panel(page: Page) -> bool:
    for selector in _PANELS:
        node = page.tree.css_first(selector)
        if node is not None and not any(ch.isdigit() for ch in node.text()):
            return True
    return False


def _title(page: Page, states: dict[str, Any]) -> str | None:
    for selector in (
        ".tb-detail-hd h1",
        ".tb-main-title",
        "#J_Title .tb-main-title",
        "[class*=ItemHeader--mainTitle]",
    ):
        node = page.tree.css_first(selector)
        if node is not None and collapse(node.text()):
            return collapse(node.text(strip=False))
    names = ("TShop.Setup", "_DATA_Detail", "g_config", "window.__INITIAL_DATA__", "reply")
    for name in names:
        for path, obj in walk_dicts(states.get(name)):
            title = obj.get("title") or obj.get("itemTitle")
            # Seller ratings (宝贝描述, 卖家服务) and services carry titles of their own.
            if not path or path[-1] not in _ITEM_KEYS:
                continue
            if isinstance(title, str) and title.strip():
                return collapse(title)
    return None


def _in_stock(page: Page, states: dict[str, Any]) -> bool | None:
    for name in ("_DATA_Mdskip", "_DATA_Detail", "TShop.Setup"):
        for _, obj in walk_dicts(states.get(name)):
            if (
                obj.get("soldOut") is True
                or obj.get("isSoldOut") is True
                or obj.get("sellOut") is True
            ):
                return False
    panel = page.tree.css_first(".tb-detail-hd, #J_DetailMeta, .tm-detail-meta, #detail")
    text = collapse(panel.text()) if panel is not None else ""
    if text and any(word in text for word in _SOLD_OUT):
        return False
    return None


def recognise(page: Page) -> bool:
    """A Taobao/Tmall page saved without its URL: its `TShop`/`g_config`/`_DATA_` state."""
    contains = page.tree.scripts_contain
    return (
        contains("TShop.Setup")
        or contains("_DATA_Detail")
        or contains("_DATA_Mdskip")
        or (contains("g_config") and contains("taobao"))
    )
