"""OpenGraph and product meta tags (`og:price:amount`, `product:sale_price:amount`, ...).

Meta tags are the weakest structured evidence: shops fill them from a template field that
may be the regular price while a sale runs, or the price before tax. A sale-price tag
makes the plain price tag a list price; an original-price tag is a list price; a pre-tax
tag is never a price.
"""

from __future__ import annotations

from tracker.extract.currency import normalize_code
from tracker.extract.model import Candidate, Found, Kind
from tracker.extract.offers import availability
from tracker.extract.page import Page
from tracker.extract.pricetext import parse_machine_amount, parse_price_text

SOURCE = "meta"

_PREFIXES = ("product", "og")


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
    stock = availability(page.meta("product:availability") or page.meta("og:availability"))
    return Found(tuple(c for c in found if c is not None), stock, page.meta("og:title"))


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
