"""OpenGraph and product meta tags (`og:price:amount`, `product:sale_price:amount`, ...).

Meta tags are the weakest structured evidence: shops fill them from a template field that
may be the regular price while a sale runs, or the price before tax. A sale-price tag
makes the plain price tag a list price; an original-price tag is a list price; a pre-tax
tag is never a price. Shops without product tags sometimes state the price in a Twitter
card (`twitter:label1` = Price, `twitter:data1` = `$24.00 USD`) or in words in the
description (`直購價：$2320`); both are read, only when the page has no price tags.
"""

from __future__ import annotations

import re

from tracker.extract.currency import normalize_code
from tracker.extract.model import Candidate, Found, Kind
from tracker.extract.offers import availability
from tracker.extract.page import Page
from tracker.extract.pricetext import parse_machine_amount, parse_price_text

SOURCE = "meta"

_PREFIXES = ("product", "og")
_PRICE_LABELS = {"price", "价格", "價格", "售价", "售價", "preis", "prix", "precio", "prezzo"}
_LABELLED = re.compile(
    r"(?:直購價|直购价|售價|售价|特價|特价|優惠價|优惠价|價格|价格|定價|定价)\s*[:：]?\s*"
    r"((?:NT\$|US\$|HK\$|\$|¥|￥|NT)\s*\d[\d,]*(?:\.\d{1,2})?(?:\s*元)?"
    r"|\d[\d,]*(?:\.\d{1,2})?\s*元)"
)


def extract(page: Page) -> Found:
    """Candidates from price meta tags."""
    sale = _pair(page, "sale_price")
    price = _pair(page, "price")
    original = _pair(page, "original_price") or _pair(page, "standard_price")
    found: list[Candidate | None] = []
    if sale:
        found.append(_candidate(sale, "price", "sale_price"))
    if price:
        kind: Kind = "list" if sale and sale[0] != price[0] else "price"
        found.append(_candidate(price, kind, "price"))
    if original and (not price or original[0] != price[0]):
        found.append(_candidate(original, "list", "original_price"))
    if not found:
        found += [_twitter_price(page), _described_price(page)]
    stock = availability(page.meta("product:availability") or page.meta("og:availability"))
    return Found(tuple(c for c in found if c is not None), stock, page.meta("og:title"))


def _twitter_price(page: Page) -> Candidate | None:
    """A Twitter card's `twitter:data<n>` whose `twitter:label<n>` says Price."""
    for index in range(1, 5):
        label = (page.meta(f"twitter:label{index}") or "").strip().lower()
        data = page.meta(f"twitter:data{index}")
        if label in _PRICE_LABELS and data:
            parsed = parse_price_text(data, page.hint)
            if parsed is not None and not parsed.is_from:
                evidence = f'<meta twitter:data{index}="{data}"> labelled "{label}"'
                return Candidate(parsed.amount, parsed.currency, SOURCE, evidence)
    return None


def _described_price(page: Page) -> Candidate | None:
    """A labelled price in the page's description (`直購價：$2320`, `售價 2320 元`).

    Only a price word followed by an amount with a currency mark or 元 counts; exactly one
    such statement, or none at all.
    """
    text = page.meta("og:description") or page.meta("description") or ""
    matches = {m.group(1).strip() for m in _LABELLED.finditer(text)}
    if len(matches) != 1:
        return None
    phrase = matches.pop()
    parsed = parse_price_text(phrase, page.hint)
    if parsed is None or parsed.is_from or parsed.currency is None:
        return None
    return Candidate(parsed.amount, parsed.currency, SOURCE, f'description "{phrase}"')


def _pair(page: Page, name: str) -> tuple[str, str | None, str] | None:
    for prefix in _PREFIXES:
        key = f"{prefix}:{name}:amount"
        raw = page.meta(key)
        if raw:
            currency = normalize_code(page.meta(f"{prefix}:{name}:currency")) or normalize_code(
                page.meta(f"{prefix}:price:currency")
            )
            return raw, currency, key
    return None


def _candidate(pair: tuple[str, str | None, str], kind: Kind, label: str) -> Candidate | None:
    raw, currency, key = pair
    amount = parse_machine_amount(raw)
    if amount is None:
        parsed = parse_price_text(raw, currency)
        amount = parsed.amount if parsed else None
    if amount is None:
        return None
    return Candidate(amount, currency, SOURCE, f'<meta {key}="{raw}"> ({label})', kind)
