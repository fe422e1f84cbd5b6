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

from tracker.extract.budget import spend
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
_RECOMMEND_WORDS = re.compile(
    r"猜你喜欢|为你推荐|為你推薦|相关推荐|相關推薦|看了又看|买了又买|大家都在看|大家都在买|"
    r"同类推荐|同店推荐|热销推荐|热卖推荐|推荐商品|人气推荐|店长推荐|更多推荐|精选推荐|"
    r"(you|customers|people|shoppers)\s+(may|might|also|who)|also\s+(like|bought|viewed)|"
    r"recommended|similar (items|products)|related (items|products)|frequently bought|"
    r"more from|more like this|complete the look|trending now",
    re.IGNORECASE,
)
_CARD_PRICE = re.compile(r"[¥￥$€£₩]\s*\d|\d\s*(元|円)|价\s*[:：]?\s*\d")
_BLOCK_LEVELS = 6  # a card's price sits a few levels below the slider that holds it
_MIN_CARDS = 3
_MAX_CARDS = 500
_MAX_CARD_TEXT = 200
_MAX_HEADING = 40
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

    Blocks are known by their class names and tags, and also by what they hold whatever
    they are called (`lists_other_products`). `memo` (element id -> verdict) lets a caller
    that asks about many elements of one page share the class-name answers for their
    common ancestors.
    """
    spend()
    if lists_other_products(node):
        return True
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


def lists_other_products(node: LexborNode) -> bool:
    """Whether one of the element's nearest ancestors is a block of other products.

    Recommendation sliders are named anything ("猜你喜欢", "You may also like", a
    generated class), so they are recognised by content and structure: a heading in
    recommendation words right before or at the top of the block, or a block whose
    children are mostly product cards (each a link with a price and little else).
    """
    item: LexborNode | None = node
    for _ in range(_BLOCK_LEVELS):
        if item is None or item.tag in ("body", "html", "-document"):
            return False
        if _headed_as_recommendations(item) or _holds_cards(item):
            return True
        item = item.parent
    return False


def _headed_as_recommendations(item: LexborNode) -> bool:
    heading = item.prev
    while heading is not None and heading.tag == "-text" and not heading.text(strip=True):
        heading = heading.prev
    first = next(iter(item.iter()), None)
    for label in (heading, first):
        if label is None:
            continue
        text = label.text(strip=True)
        if len(text) > _MAX_HEADING or _CARD_PRICE.search(text):
            continue  # a heading is short and prices nothing
        if _RECOMMEND_WORDS.search(text):
            return True
    return False


def _holds_cards(item: LexborNode) -> bool:
    children = list(item.iter())
    if len(children) < _MIN_CARDS or len(children) > _MAX_CARDS:
        return False
    cards = 0
    for child in children:
        linked = child.tag == "a" or child.css_first("a[href]") is not None
        text = child.text(separator=" ")
        if linked and len(text) <= _MAX_CARD_TEXT and _CARD_PRICE.search(text):
            cards += 1
    return cards >= _MIN_CARDS and cards * 2 >= len(children)


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
        spend()
        text = " ".join(node.text(separator=" ").split())
        if not text or len(text) > _MAX_STRUCK_TEXT:
            continue
        parsed = parse_price_text(text) or parse_price_text(text, hint())
        if parsed is not None and parsed.amount.normalize() == wanted and not is_elsewhere(node):
            return True
    return False
