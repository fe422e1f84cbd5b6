"""schema.org microdata: `itemprop="price"` inside the page's Product.

Related-product tiles are often marked up as Products too, so only prices whose nearest
Product scope is the page's first top-level Product count (or prices in no Product scope
at all). The price may be in `content` or in the text; a `content` holding two amounts (a
template that printed the sale and the old price) is re-read from the text with struck
prices left out.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from tracker.extract.budget import spend
from tracker.extract.currency import normalize_code
from tracker.extract.dom import STRUCK_TAGS, text_without_struck
from tracker.extract.model import Candidate, Found, Kind
from tracker.extract.offers import availability
from tracker.extract.page import Page, ancestors, collapse
from tracker.extract.pricetext import PriceText, parse_machine_amount, parse_price_text

SOURCE = "microdata"
_PRICE_PROPS = frozenset({"price", "lowPrice", "highPrice"})


def extract(page: Page) -> Found:
    """Candidates from microdata price properties of the page's product."""
    # One selector, one walk of the tree: price, lowPrice and highPrice all end in "rice".
    props = [
        n for n in page.tree.css('[itemprop$="rice"]') if n.attrs.get("itemprop") in _PRICE_PROPS
    ]
    if not props:
        return Found()  # no microdata prices: spare the walks for scopes and stock
    main = _main_product(page)
    candidates: list[Candidate] = []
    for node in props:
        spend()
        product = _nearest_product(node)
        if product is not None and main is not None and product.mem_id != main.mem_id:
            continue
        candidate = _candidate(node, page)
        if candidate is not None:
            candidates.append(candidate)
    holder = main if main is not None else page.tree
    name = main.css_first('[itemprop="name"]') if main is not None else None
    title = collapse(name.attrs.get("content") or name.text()) if name is not None else None
    avail = holder.css_first('[itemprop="availability"]')
    stock = None
    if avail is not None:
        stock = availability(avail.attrs.get("href") or avail.attrs.get("content") or avail.text())
    return Found(tuple(candidates), stock, title)


def _main_product(page: Page) -> LexborNode | None:
    for node in page.tree.css('[itemscope][itemtype*="product" i]'):
        if _is_product(node) and _nearest_product(node) is None:
            return node
    return None


def _is_product(node: LexborNode) -> bool:
    kind = (node.attrs.get("itemtype") or "").lower()
    return "schema.org/product" in kind or "data-vocabulary.org/product" in kind


def _nearest_product(node: LexborNode) -> LexborNode | None:
    return next(
        (a for a in ancestors(node) if "itemscope" in a.attrs and _is_product(a)),
        None,
    )


def _candidate(node: LexborNode, page: Page) -> Candidate | None:
    prop = node.attrs.get("itemprop") or "price"
    scope = next((a for a in ancestors(node) if "itemscope" in a.attrs), None)
    currency = _currency(node, scope, page)
    raw = node.attrs.get("content")
    amount = parse_machine_amount(raw) if raw is not None else None
    parsed: PriceText | None = None
    if amount is None:
        text = raw if raw and raw.strip() else node.text(separator=" ")
        parsed = parse_price_text(collapse(text) or "", currency)
        if parsed is None:
            parsed = parse_price_text(collapse(text_without_struck(node)) or "", currency)
        if parsed is None:
            return None
        amount = parsed.amount
        currency = currency or parsed.currency
    kind: Kind = "price"
    if prop == "lowPrice" or (parsed is not None and parsed.is_from):
        kind = "from"
    elif prop == "highPrice":
        return None
    elif node.tag in STRUCK_TAGS or (node.parent is not None and node.parent.tag in STRUCK_TAGS):
        kind = "list"
    shown = (raw or node.text(strip=True))[:40].strip()
    if currency is None:  # no priceCurrency: the visible text may carry the mark
        visible = parse_price_text(collapse(node.text(separator=" ")) or "")
        currency = visible.currency if visible else None
    return Candidate(amount, currency, SOURCE, f'itemprop="{prop}" "{shown}"', kind)


def _currency(node: LexborNode, scope: LexborNode | None, page: Page) -> str | None:
    holders = [scope] if scope is not None else []
    holders.extend(a for a in ancestors(node)[:4] if a is not scope)
    for holder in holders:
        if holder.attrs.get("itemprop") == "priceCurrency":
            code = normalize_code(holder.attrs.get("content") or holder.text(strip=True))
            if code:
                return code
        found = holder.css_first('[itemprop="priceCurrency"]')
        if found is not None:
            code = normalize_code(found.attrs.get("content") or found.text(strip=True))
            if code:
                return code
    return page.declared_currency
