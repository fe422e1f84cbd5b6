"""Reading prices out of the document tree: what is struck through, what is someone else's.

Shared by the microdata reader, the stock reader and the visible-price heuristic. The words
here are markup conventions (class names, tags), not any one shop's: `<del>`/`<s>`, "old",
"was" and "regular" price classes mark a list price; carousels, "related"/"similar"
blocks, mini-carts and headers hold prices of other things.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.extract.page import ancestors
from tracker.extract.pricetext import parse_price_text

STRUCK_TAGS = frozenset({"del", "s", "strike"})
_MAX_STRUCK_TEXT = 40
_STRUCK_CLASS = re.compile(
    r"(^|[-_ ])(old|was|regular|original|strike|striked|strikethrough|crossed|before|"
    r"compare|list|rrp|msrp|retail|former|priceold|oldprice|origin)([-_ ]|price|$)",
    re.IGNORECASE,
)
_STRUCK_STYLE = re.compile(r"line-through", re.IGNORECASE)
_ELSEWHERE = re.compile(
    r"related|recommend|similar|carousel|upsell|up-sell|crosssell|cross-sell|also[-_]?(bought|viewed|like)|"
    r"recently|suggest|sponsor|accessor|compare-products|product-?list|product-?grid|"
    r"minicart|mini-cart|cart-total|cart-summary|shopping-cart|header-cart|basket|"
    r"navbar|menu|breadcrumb|shipping|delivery|installment|instalment|financ|monthly|"
    r"rating|review",
    re.IGNORECASE,
)
_ELSEWHERE_TAGS = frozenset({"header", "footer", "nav", "aside", "select", "option", "button"})
_EX_TAX = re.compile(
    r"\bex\.?\s*vat|\bexcl(\.|\b|uding)|\bexkl|(vat|tax)\s+excl|without\s+(vat|tax)|"
    r"before\s+tax|pre-?tax|\bnet\b|\bnetto\b|"
    r"brez\s+ddv|bez\s+(pdv|dph|vat)|sin\s+iva|sem\s+iva|hors\s+taxe|\bht\b|o\.\s*mwst|"
    r"ohne\s+mwst|zzgl\.?\s*(mwst|ust)|\+\s*vat|plus\s+vat|不含税|未税|tax[-_]?excl|price-?tax|pretax|excluding",
    re.IGNORECASE,
)


def label_of(node: LexborNode) -> str:
    """The element's class, id and a few telling attributes, for pattern checks."""
    attrs = node.attrs  # lazy attribute access: far cheaper than building `.attributes`
    return (
        f"{attrs.get('class') or ''} {attrs.get('id') or ''} "
        f"{attrs.get('itemprop') or ''} {attrs.get('data-price-type') or ''}"
    )


def is_struck(node: LexborNode, depth: int = 3) -> bool:
    """Whether the element, or one of its nearest ancestors, marks a struck/old price."""
    chain = [node, *ancestors(node)[:depth]]
    for item in chain:
        if item.tag in STRUCK_TAGS:
            return True
        if _STRUCK_STYLE.search(item.attrs.get("style") or ""):
            return True
        label = label_of(item)
        if _STRUCK_CLASS.search(label) or "oldPrice" in label:
            return True
    return False


def is_elsewhere(node: LexborNode, memo: dict[int, bool] | None = None) -> bool:
    """Whether the element sits in a block about other products, the cart or site chrome.

    `memo` (element id -> verdict) lets a caller that asks about many elements of one
    page share the answers for their common ancestors.
    """
    chain: list[LexborNode] = []
    verdict = False
    item: LexborNode | None = node
    while item is not None and item.tag not in ("-document", "html"):
        if memo is not None and item.mem_id in memo:
            verdict = memo[item.mem_id]
            break
        chain.append(item)
        if item.tag in _ELSEWHERE_TAGS or _ELSEWHERE.search(label_of(item)):
            verdict = True
            break
        item = item.parent
    if memo is not None:
        for seen in chain:
            memo[seen.mem_id] = verdict
    return verdict


def is_ex_tax(text: str) -> bool:
    """Whether a label says the price next to it excludes tax."""
    return _EX_TAX.search(text) is not None


def text_without_struck(node: LexborNode) -> str:
    """The element's text, leaving out struck-through and old-price descendants."""
    tree = LexborHTMLParser(node.html or "")
    body = tree.body
    if body is None:
        return node.text(separator=" ")
    for child in body.css("*"):
        if child.tag in STRUCK_TAGS or _STRUCK_CLASS.search(label_of(child)):
            child.decompose()
    return body.text(separator=" ")


def shows_struck(tree: LexborHTMLParser, amount: Decimal, hint: Callable[[], str | None]) -> bool:
    """Whether the page shows `amount` inside `<del>`/`<s>`/`<strike>`, outside other
    products' blocks.

    A structured price found there is an old price the shop forgot to update (the visible
    sale price is the price). Tag selectors are cheap in lexbor: one fast walk; the page's
    currency hint is only worked out for a text that needs it.
    """
    wanted = amount.normalize()
    for node in tree.css("del, s, strike"):
        text = " ".join(node.text(separator=" ").split())
        if not text or len(text) > _MAX_STRUCK_TEXT:
            continue
        parsed = parse_price_text(text) or parse_price_text(text, hint())
        if parsed is not None and parsed.amount.normalize() == wanted and not is_elsewhere(node):
            return True
    return False
