"""Whether the product can be bought now, from what the page says in words.

Structured availability and platform state are read by their extractors; this module
reads the visible wording ("Currently unavailable", "已售罄", "无货") and believes it only
where a shop puts stock status: in an element labelled for availability/stock, or as the
whole text of an element near the product. Hidden templates and other products' tiles do
not count.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborNode

from tracker.extract.anchor import following
from tracker.extract.dom import is_elsewhere, label_of
from tracker.extract.page import ancestors, collapse

_OUT = re.compile(
    r"out of stock|sold out|currently unavailable|no longer available|temporarily unavailable|"
    r"not available|无货|暂时无货|已售罄|售罄|已下架|已下柜|缺货|已抢光|卖光了|"
    r"ausverkauft|nicht verfügbar|nicht lieferbar|agotado|esgotado|épuisé|rupture de stock|"
    r"esaurito|non disponibile|niet op voorraad|uitverkocht|brak w magazynie|niedostępny|"
    r"нет в наличии|распродано|loppuunmyyty|slutsåld|udsolgt|utsolgt|nedostupno|rasprodano|"
    r"stokta yok|indisponível|indisponible|non disponible|in esaurimento",
    re.IGNORECASE,
)
_IN_WORDS = (
    r"in stock|available|有货|现货|库存[:：]?\s*有货|auf lager|lieferbar|en stock|disponible|"
    r"disponibile|op voorraad|na stanie|в наличии|dostupno|na zalogi|varastossa|i lager|på lager"
)
_IN = re.compile(rf"^(\d+\s*)?({_IN_WORDS})[.!。]?$", re.IGNORECASE)  # "12 in stock"
_STATUS_LABEL = re.compile(r"avail|stock|inventory|status|sold|unavailable|库存", re.IGNORECASE)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASS = re.compile(r"(^|\s)(hidden|hide|d-none|is-hidden|sr-only|visually-hidden)(\s|$)")
_MAX_TEXT = 80
_MAX_RAW = 400
_WINDOW = 300  # nodes after the product name that may carry its status


def visible_stock(anchor: LexborNode | None) -> bool | None:
    """False when the page visibly says the product is unavailable, True when a stock
    status element says it is available, None when the page does not say.

    Only the neighbourhood of the product's name (`anchor`) is read: status words far
    from it belong to other products or to templates.
    """
    if anchor is None:
        return None
    available = None
    for node in following(anchor, _WINDOW):
        if node.tag != "-text":
            continue
        raw = node.text(deep=False)
        if len(raw) > _MAX_RAW or raw.isspace():
            continue
        text = collapse(raw) or ""
        if not text or len(text) > _MAX_TEXT:
            continue
        if available is None and _IN.match(text) and _in_status_element(node.parent):
            available = True
        if not _OUT.search(text):
            continue
        element = node.parent
        if element is None or element.tag in ("script", "style", "noscript", "template", "option"):
            continue
        if _in_status_element(element) or (
            _whole_text(element, text) and not _hidden(element) and not is_elsewhere(element)
        ):
            return False
    return available


def _in_status_element(element: LexborNode | None) -> bool:
    """The element, or a near ancestor, is labelled as a stock/availability status."""
    if element is None or _hidden(element) or is_elsewhere(element):
        return False
    chain = [element, *ancestors(element)[:4]]
    return any(_STATUS_LABEL.search(label_of(item)) for item in chain)


def _whole_text(element: LexborNode, text: str) -> bool:
    """The status is an element's entire text (a badge), not a word in a sentence."""
    return (collapse(element.text()) or "") == text and len(text) <= 30


def _hidden(element: LexborNode) -> bool:
    for item in [element, *ancestors(element)]:
        attrs = item.attrs
        if "hidden" in attrs or _HIDDEN.search(attrs.get("style") or ""):
            return True
        if _HIDDEN_CLASS.search(attrs.get("class") or ""):
            return True
    return False
