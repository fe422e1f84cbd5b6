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

from tracker.extract.model import JS_NOTE, Candidate, Found, Kind
from tracker.extract.page import Page, collapse
from tracker.extract.pricetext import parse_machine_amount, parse_price_text
from tracker.extract.scriptstate import state_after, walk_dicts

HOSTS = ("taobao.com", "tmall.com", "tmall.hk", "liangxinyao.com")
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
    """Candidates from a Taobao/Tmall page."""
    states = {name: state_after(page, name) for name in _STATES}
    candidates = _rendered_panel(page) or _mobile_state(states)
    candidates += _reserve_price(states, candidates)
    note = JS_NOTE if not any(c.kind != "list" for c in candidates) and _empty_panel(page) else None
    return Found(tuple(candidates), _in_stock(page, states), _title(page, states), note)


def _rendered_panel(page: Page) -> list[Candidate]:
    out: list[Candidate] = []
    for selectors, kind in ((_SELLING, "price"), (_STRUCK, "list")):
        for selector in selectors:
            node = page.tree.css_first(selector)
            text = collapse(node.text()) if node is not None else None
            parsed = parse_price_text(text or "", "CNY")
            if parsed is not None:
                final: Kind = "from" if kind == "price" and parsed.is_from else kind  # type: ignore[assignment]
                out.append(Candidate(parsed.amount, "CNY", SOURCE, f'{selector} "{text}"', final))
                break
    if out and all(c.kind == "list" for c in out) and not _has_promo_panel(page):
        # Without a promotion panel, the one price shown is the price.
        out = [Candidate(c.price, c.currency, c.source, c.evidence, "price") for c in out]
    return out


def _has_promo_panel(page: Page) -> bool:
    return any(
        page.tree.css_first(s) is not None
        for s in ("#J_PromoPrice", "#J_PromoPriceNum", ".tm-promo-panel")
    )


def _mobile_state(states: dict[str, Any]) -> list[Candidate]:
    out: list[Candidate] = []
    for name in (
        "_DATA_Mdskip",
        "_DATA_Detail",
        "window.__INITIAL_DATA__",
        "window.__ICE_APP_CONTEXT__",
        "window.__INIT_DATA",
    ):
        for path, obj in walk_dicts(states.get(name)):
            if "priceText" not in obj:
                continue
            parsed = parse_price_text(str(obj["priceText"]), "CNY")
            if parsed is None:
                continue
            struck = str(obj.get("lineThrough", "")).lower() == "true"
            kind: Kind = "list" if struck else "from" if parsed.is_from else "price"
            where = f"{name}.{'.'.join(path)}"
            title = obj.get("priceTitle") or ""
            out.append(
                Candidate(
                    parsed.amount,
                    "CNY",
                    SOURCE,
                    f'{where} priceText="{obj["priceText"]}" {title}'.strip(),
                    kind,
                )
            )
        if out:
            return _main_price_first(out)
    return out


def _main_price_first(found: list[Candidate]) -> list[Candidate]:
    """Keep the first selling price (the headline one) and the struck prices."""
    selling = [c for c in found if c.kind != "list"]
    return selling[:1] + [c for c in found if c.kind == "list"]


def _reserve_price(states: dict[str, Any], found: list[Candidate]) -> list[Candidate]:
    """The reserve/default item price: a list price, and only when none was shown."""
    if any(c.kind == "list" for c in found):
        return []
    for name in ("TShop.Setup", "g_config"):
        for _, obj in walk_dicts(states.get(name)):
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
    for name in ("TShop.Setup", "_DATA_Detail", "g_config", "window.__INITIAL_DATA__"):
        for _, obj in walk_dicts(states.get(name)):
            title = obj.get("title") or obj.get("itemTitle")
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
