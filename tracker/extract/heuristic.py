"""The last resort: the price a shopper would read next to the product's name.

Used only when no structured data, page state or recipe gave a price (or to check one),
and written to say nothing rather than something wrong. It anchors on the product's
title in the page (see `anchor`), then takes the first price after it that carries a
currency mark or a price label, skipping struck/old prices (kept as the list price),
tax-exclusive prices, option surcharges, savings, shipping and instalment amounts, and
anything inside carousels, related-product blocks, carts and site chrome. Two different
plain prices side by side are ambiguous and give nothing.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from tracker.extract import promotions as promo
from tracker.extract.anchor import find_anchor, following
from tracker.extract.currency import currency_in_text
from tracker.extract.dom import STRUCK_TAGS, is_elsewhere, is_ex_tax, is_struck, label_of
from tracker.extract.model import JS_NOTE, Candidate, Found
from tracker.extract.page import Page, ancestors, collapse
from tracker.extract.pricetext import PriceText, parse_price_text

SOURCE = "heuristic"

_MAX_TEXT = 60
_ENOUGH = 3
_MAX_DEPTH = 4  # a price's number, symbol and wrapper sit within a few levels
_PRICE_BOXES = ", ".join(
    f'{tag}[{attr}*="price" i]'
    for tag in ("div", "span", "p", "strong", "em", "dd", "b")
    for attr in ("class", "id")
)
_MAX_RAW = 400  # a text node this long is prose or a script, not a price
_DIGIT = re.compile(r"\d")
_WINDOW = 600  # nodes after the title in which the product's price must appear
_PRICEY = re.compile(r"price|cena|cijena|preis|prix|precio|preço|prezzo|价|價", re.IGNORECASE)
# Amounts that are not the product's price: savings, coupons' face values, shipping
# charges and free-shipping thresholds, instalments.
_NOT_A_PRICE = re.compile(
    r"立减|立省|省|减|优惠|返现|节省|运费|邮费|包邮|满\d|配送|分期|"
    # A presale's deposit and balance are parts of the price, never the price itself.
    r"定金|订金|尾款|预付|付定|抵|膨胀|(?<![a-z])(deposit|down payment)(?![a-z])|"
    r"(?<![a-z])(off|save|saving|savings|discount|rabatt|sconto|descuento|remise|korting|"
    r"zniżka|popust|скидка|économisez|sparen|shipping|delivery|postage|versand|livraison|"
    r"envío|envio|frete|spedizione|dostawa|доставка|per month|/mo|monthly|payments? of)(?![a-z])"
    # Unit prices by weight or volume ("€2.50/kg", "(12,49 € / 100 g)", "¥3.2/100ml"); a
    # price per pack ("$99元起/包") is a price and stays.
    r"|(/|\bper\b|\bpro\b|\bje\b|每)\s*(\d+\s*)?(kg|g|l|ml|cl|lb|oz|m2|m²|sqm|"
    r"斤|公斤|千克|克|升|毫升)(?![a-z])",
    re.IGNORECASE,
)
_DEPOSIT_LABEL = re.compile(r"deposit|dingjin|presale-?(pay|first)", re.IGNORECASE)
_SIGNED = re.compile(r"^[(\[]?\s*[-+−]|[(\[]\s*[-+−]\s*\D{0,3}\d")  # option surcharges
_DIGITS_THEN = re.compile(r"\d[^\s]*")
_MAX_CONTEXT = 300
_BARE_LETTERS = 3
_PRICE_WORDS = re.compile(
    r"price|now|only|sale|from|our|was|(?-i:[A-Z]{3})|(?-i:[A-Z]{1,3})\$|kn|lei|zł|руб|"
    r"价格|售价|促销价|券后价|现价|到手价|只要|最低價|最低价|起|元|円",
    re.IGNORECASE,
)
_SUP_CENTS = re.compile(r"<sup[^>]*>\s*(\d{2})\s*</sup>", re.IGNORECASE)


def extract(page: Page, title: str | None) -> Found:
    """A visible price near the product title, or nothing."""
    anchor = find_anchor(page, title)
    if anchor is None:
        return Found()
    prices: list[tuple[LexborNode, PriceText, bool]] = []
    seen: set[int] = set()  # mem_id: LexborNode equality compares content, not identity
    for node in following(anchor, _WINDOW):
        if node.tag != "-text":
            continue
        raw = node.text(deep=False)
        if len(raw) > _MAX_RAW or not _DIGIT.search(raw):
            continue
        smallest = _smallest_price_element(node, page)
        if smallest is None or smallest[0].mem_id in seen:
            continue
        element, parsed = smallest
        seen.add(element.mem_id)
        if is_elsewhere(element, page.elsewhere) or _ex_tax(element):
            continue
        prices.append((element, parsed, _struck_by_markup(element)))
        if sum(1 for _, _, struck in prices if not struck) >= _ENOUGH:
            break  # the first price and its two neighbours decide; read no further
    found = _choose(prices, page)
    if not found.candidates and _empty_price_box(page):
        return Found(note=JS_NOTE)
    return found


def _empty_price_box(page: Page) -> bool:
    """A price-labelled element with nothing in it: the price is filled in by a script."""
    return any(
        not node.text(strip=True) and node.css_first("img, svg, input") is None
        for node in page.tree.css(_PRICE_BOXES)
    )


def _smallest_price_element(
    text_node: LexborNode, page: Page
) -> tuple[LexborNode, PriceText] | None:
    """The innermost element around a text node that reads as one price with a currency."""
    element = text_node.parent
    for _ in range(_MAX_DEPTH):
        if element is None or element.tag in ("body", "html", "-document"):
            return None
        if element.tag in ("script", "style", "noscript", "template"):
            return None
        raw = element.text(separator="")
        if len(raw) > _MAX_RAW:
            return None
        parsed = _element_price(element, page, raw)
        if parsed is not None:
            return element, parsed
        if len(raw.strip()) > _MAX_TEXT:
            return None
        element = element.parent
    return None


def _choose(prices: list[tuple[LexborNode, PriceText, bool]], page: Page) -> Found:
    unstruck = [(n, p) for n, p, struck in prices if not struck]
    if not unstruck:
        return Found()
    node, chosen = unstruck[0]
    for other, parsed in unstruck[1:3]:
        if parsed.amount != chosen.amount and _same_block(node, other) and _bare(other):
            return Found()  # two plain prices side by side: which one is it?
    currency = chosen.currency or page.hint
    text = collapse(node.text(separator=""))
    candidates = [
        Candidate(
            chosen.amount,
            currency,
            SOURCE,
            f'<{node.tag} class="{label_of(node).strip()}"> "{text}"',
            "from" if chosen.is_from else "price",
        )
    ]
    for other, parsed, struck in prices:
        if struck and _same_block(node, other) and parsed.amount > chosen.amount:
            candidates.append(
                Candidate(
                    parsed.amount,
                    parsed.currency or currency,
                    SOURCE,
                    f'struck "{collapse(other.text(separator=""))}"',
                    "list",
                )
            )
            break
    return Found(tuple(candidates))


def _element_price(node: LexborNode, page: Page, raw: str | None = None) -> PriceText | None:
    joined = collapse(node.text(separator="") if raw is None else raw)
    if not joined or len(joined) > _MAX_TEXT or not _DIGIT.search(joined):
        return None
    if _SIGNED.search(joined) or _NOT_A_PRICE.search(joined):
        return None
    if node.css_first("sup") is not None:
        html = node.html or ""
        if _SUP_CENTS.search(html):
            joined = collapse(LexborHTMLParser(_SUP_CENTS.sub(r".\1", html)).text(separator=""))
            joined = joined or ""
    if currency_in_text(joined, page.hint) is None and not _PRICEY.search(label_of(node)):
        return None  # a number without a currency mark or a price label is not a price
    parsed = parse_price_text(joined, page.hint)
    if parsed is None:
        return None
    spaced = parse_price_text(collapse(node.text(separator=" ")) or "", page.hint)
    if spaced is not None and spaced.amount != parsed.amount:
        return None
    return parsed


def _ex_tax(node: LexborNode) -> bool:
    """Whether the price is labelled as excluding tax, or as not the price at all (a
    deposit, a saving, shipping), by its class or by adjacent words.

    Words count when they sit between this amount and the previous one ("ex VAT: £20"), or
    right after it ("£20 excl. VAT") unless they end in a colon (then they label the next
    amount: "100.00€ Brez DDV: 81.97€").
    """
    own = collapse(node.text(separator=" ")) or ""
    if is_ex_tax(own) or any(is_ex_tax(label_of(item)) for item in [node, *ancestors(node)[:2]]):
        return True
    if any(_DEPOSIT_LABEL.search(label_of(item)) for item in [node, *ancestors(node)[:2]]):
        return True
    for holder in ancestors(node)[:2]:
        context = collapse(holder.text(separator=" ")) or ""
        at = context.find(own)
        if len(context) > _MAX_CONTEXT or at < 0:
            continue
        before = _DIGITS_THEN.split(context[:at])[-1]
        after = _DIGIT.split(context[at + len(own) :], maxsplit=1)[0]
        if is_ex_tax(before) or _NOT_A_PRICE.search(before):
            return True  # "ex VAT: £20", "定金 ¥100": the label is the amount's
        if ":" not in after and is_ex_tax(after):
            return True
    return False


def _bare(node: LexborNode) -> bool:
    """A price shown on its own: nothing but the amount, currency and a price word."""
    text = _PRICE_WORDS.sub("", collapse(node.text(separator=" ")) or "")
    return sum(ch.isalpha() for ch in text) <= _BARE_LETTERS


def _struck_by_markup(node: LexborNode) -> bool:
    """Struck by tag or style always; by an "old price" class only beside another price."""
    for item in [node, *ancestors(node)[:3]]:
        if item.tag in STRUCK_TAGS or "line-through" in (item.attrs.get("style") or ""):
            return True
    if not is_struck(node):
        return False
    block = ancestors(node)[:2]
    return any(
        sibling.mem_id != node.mem_id
        and _price_like(sibling)
        and not is_struck(sibling)
        and not _ex_tax(sibling)
        for holder in block
        for sibling in holder.css("*")
    )


def _price_like(node: LexborNode) -> bool:
    text = collapse(node.text(separator="")) or ""
    return (
        0 < len(text) <= _MAX_TEXT
        and parse_price_text(text) is not None
        and all(child.mem_id == node.mem_id for child in node.css("*"))
    )


def _same_block(a: LexborNode, b: LexborNode) -> bool:
    up_a = {x.mem_id for x in ancestors(a)[:3]}
    return any(x.mem_id in up_a for x in ancestors(b)[:3])


_DEPOSIT_WORDS = ("定金", "订金")
_PRESALE_TEXT = 200  # a presale box states deposit, worth, balance and dates in a line or two


def presale_near(page: Page, title: str | None) -> dict[str, object] | None:
    """The presale terms stated after the product's name (定金¥100 可抵¥150 尾款¥5849).

    The deposit is never the price (`_NOT_A_PRICE`), but it is a fact the planner needs:
    the largest short block around the first deposit wording after the anchor is read as
    one phrase. Blocks about other products are skipped like their prices are.
    """
    anchor = find_anchor(page, title)
    if anchor is None:
        return None
    for node in following(anchor, _WINDOW):
        if node.tag != "-text" or not any(w in node.text(deep=False) for w in _DEPOSIT_WORDS):
            continue
        block, text = None, ""
        for holder in [node.parent, *ancestors(node.parent)[:3]] if node.parent else []:
            wider = collapse(holder.text(separator=" ")) or ""
            if len(wider) > _PRESALE_TEXT or holder.tag in ("body", "html"):
                break
            block, text = holder, wider
        if block is None or is_elsewhere(block, page.elsewhere):
            continue
        stated = promo.presale_from(text)
        if stated is not None:
            stated["source_text"] = text
            return stated
    return None
