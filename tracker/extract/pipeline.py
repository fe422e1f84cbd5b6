"""`extract_page`: one page's HTML (and URL) in, one `Extraction` out.

The order is the argument of docs/extraction.md: walls first (a login or captcha page has
no price whatever numbers it shows), then the host's recipe or platform adapter, then the
shop's structured data, then meta tags, and the visible-price heuristic last and only where
nothing better spoke. Each step adds candidates with evidence; `resolve` decides.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from planner.display import display_text
from tracker.extract import heuristic, jsonld, meta, microdata, recipes
from tracker.extract.anchor import find_anchor
from tracker.extract.budget import CPU_SECONDS, OverBudget, budget, spend
from tracker.extract.complexity import complexity_reason
from tracker.extract.dom import shows_struck
from tracker.extract.model import Candidate, Extraction, Found
from tracker.extract.page import Page, collapse
from tracker.extract.platforms import adapter_for
from tracker.extract.resolve import (
    Verdict,
    agree,
    list_price_for,
    meta_vs_visible,
    selling,
    tie_break,
)
from tracker.extract.stock import visible_stock
from tracker.extract.walls import challenge_reason, wall_reason

NO_PRICE = "no price found on the page"
_CENTS = Decimal("0.01")


def extract_page(html: str, url: str | None = None, cpu_seconds: float = CPU_SECONDS) -> Extraction:
    """Extract the product's price, list price, title and stock state from one page.

    The title is a stranger's text: it leaves here as display text (no escapes, controls
    or bidi overrides; `planner.display`), whatever prints or stores it next. A page that
    takes more than `cpu_seconds` of CPU is abandoned as "page too complex" (`budget`).
    """
    try:
        with budget(cpu_seconds):
            result = _extract(html, url)
    except OverBudget as exc:
        return _no_price(str(exc), None, None, ())
    if result.title is None:
        return result
    return replace(result, title=display_text(result.title, limit=MAX_TITLE) or None)


MAX_TITLE = 300
"""Longer "titles" are a page's text run together, not a product's name."""


def _extract(html: str, url: str | None) -> Extraction:
    too_complex = complexity_reason(html)
    if too_complex:
        return _no_price(too_complex, None, None, ())
    page = Page(html, url)
    spend()
    wall = wall_reason(page)
    if wall:
        return _no_price(wall, page.title_tag, None, ())
    recipe = recipes.recipe_for(page.host)
    adapter = adapter_for(page)
    primary = [recipes.extract(page, recipe)] if recipe else []
    if adapter is not None:
        primary.append(adapter(page))
    spend()
    structured = [jsonld.extract(page), microdata.extract(page)]
    spend()
    meta_found = meta.extract(page)
    found = primary + structured + [meta_found]
    title = _title(page, found)
    everything = _candidates(found)
    if not selling(everything) and (challenge := challenge_reason(page)):
        return _no_price(challenge, title, None, everything)
    in_stock = _in_stock(found, page, title)
    specific = recipe is not None or adapter is not None
    verdict, visible = _decide(page, title, primary, structured, meta_found, specific, in_stock)
    candidates = everything + visible
    promotions = tuple(p for item in primary for p in item.promotions)
    if not specific and any(word in html for word in ("定金", "订金")):
        stated = heuristic.presale_near(page, title)
        promotions += (stated,) if stated else ()
    if verdict.chosen is None:
        reason = verdict.reason or _absence_reason(primary, recipe, page, in_stock)
        # A platform's own list price is a fact even when the selling price is unknown.
        known_list = next((c for c in _candidates(primary) if c.kind == "list"), None)
        result = _no_price(reason, title, in_stock, candidates, known_list)
    else:
        result = _priced(verdict.chosen, page, title, in_stock, candidates)
    return replace(result, promotions=promotions) if promotions else result


def _priced(
    chosen: Candidate,
    page: Page,
    title: str | None,
    in_stock: bool | None,
    candidates: list[Candidate],
) -> Extraction:
    """The verdict for a chosen price: its currency, list price and "from" flag."""
    currency = chosen.currency or page.hint
    if currency is None:
        reason = f"price {chosen.price} has no currency on the page"
        return _no_price(reason, title, in_stock, candidates)
    is_from = chosen.kind == "from" or any(
        c.kind == "from" and c.price == chosen.price for c in candidates
    )
    list_price = list_price_for(chosen, _tiered_lists(chosen, candidates))
    return Extraction(
        price=tidy(chosen.price),
        currency=currency,
        list_price=tidy(list_price) if list_price is not None else None,
        title=title,
        in_stock=in_stock,
        source=chosen.source,
        reason=None,
        is_from_price=is_from,
        candidates=tuple(candidates),
    )


def _decide(
    page: Page,
    title: str | None,
    primary: list[Found],
    structured: list[Found],
    meta_found: Found,
    specific: bool,
    in_stock: bool | None,
) -> tuple[Verdict, list[Candidate]]:
    """The tiered decision; returns the verdict and any visible candidates it consulted.

    The heuristic runs only when it is needed (nothing structured, or a tie to break), and
    never on a page whose recipe or platform adapter spoke, nor on a sold-out page.
    """
    first = agree(_candidates(primary))
    if first.chosen is not None or first.reason:
        return first, []
    structured_c = _candidates(structured)
    allowed = not specific and in_stock is not False
    if selling(structured_c):
        verdict = agree(structured_c)
        if verdict.chosen is not None:
            if allowed and _struck(page, verdict.chosen):
                return _stale_structured(page, title, verdict.chosen)
            if allowed and not any(c.kind == "list" for c in structured_c):
                return verdict, _shown_list_price(page, title, verdict.chosen)
            return verdict, []
    seen = heuristic.extract(page, title) if allowed else Found()
    visible = list(seen.candidates)
    if selling(structured_c):
        return tie_break(structured_c, visible), visible
    if selling(meta_found.candidates):
        verdict = meta_vs_visible(list(meta_found.candidates), visible)
        declared = agree(list(meta_found.candidates)).chosen
        if verdict.chosen is None and declared is not None and allowed and _struck(page, declared):
            return _stale_structured(page, title, declared)
        return verdict, visible
    verdict = agree(visible)
    if verdict.chosen is None and verdict.reason is None and seen.note:
        verdict = Verdict(None, seen.note)
    return verdict, visible


def _struck(page: Page, declared: Candidate) -> bool:
    """Whether the page shows this declared price struck through (an old price)."""
    return shows_struck(page.tree, declared.price, lambda: page.hint)


def _stale_structured(
    page: Page, title: str | None, declared: Candidate
) -> tuple[Verdict, list[Candidate]]:
    """The declared price is shown struck through: the visible lower price is the price.

    Shops that run a sale without updating their structured data show the declared price
    as the old one. The visible price must be lower and unstruck, else the declared
    price stands (and the struck copy was something else).
    """
    visible = list(heuristic.extract(page, title).candidates)
    shown = next(
        (
            c
            for c in selling(visible)
            if c.price < declared.price and c.currency in (None, declared.currency)
        ),
        None,
    )
    if shown is None:
        return Verdict(declared), visible
    old = Candidate(
        declared.price,
        declared.currency,
        declared.source,
        f"{declared.evidence}; shown struck through on the page",
        "list",
    )
    return Verdict(shown), [*visible, old]


def _shown_list_price(page: Page, title: str | None, declared: Candidate) -> list[Candidate]:
    """The struck price the page shows beside the declared price, when the data omits it.

    Shops declare the selling price in JSON-LD or microdata and show the old price only
    struck through on the page. It is taken only when the page visibly shows the declared
    price, in its currency, with a higher struck price in the same block (the heuristic's
    "list" candidate); anything else keeps the list price unknown.
    """
    seen = list(heuristic.extract(page, title).candidates)
    shown = selling(seen)
    if not shown or shown[0].price.normalize() != declared.price.normalize():
        return []
    if shown[0].currency not in (None, declared.currency):
        return []
    return [c for c in seen if c.kind == "list"]


def tidy(amount: Decimal) -> Decimal:
    """Drop zeros a machine value carries past the cents (`19.990000` -> `19.99`).

    Only trailing zeros go: an amount that really has more digits keeps them.
    """
    exponent = amount.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= -2:
        return amount
    cents = amount.quantize(_CENTS)
    return cents if cents == amount else amount


def _candidates(found: list[Found]) -> list[Candidate]:
    return [c for f in found for c in f.candidates]


def _tiered_lists(chosen: Candidate, candidates: list[Candidate]) -> list[Candidate]:
    """List prices from the chosen source first, then from the others."""
    own = [c for c in candidates if c.source == chosen.source]
    return own + [c for c in candidates if c.source != chosen.source]


def _title(page: Page, found: list[Found]) -> str | None:
    for item in found:
        if item.title:
            return item.title
    h1 = page.tree.css_first("h1")
    return (collapse(h1.text()) if h1 is not None else None) or page.title_tag


def _in_stock(found: list[Found], page: Page, title: str | None) -> bool | None:
    for item in found:
        if item.in_stock is not None:
            return item.in_stock
    return visible_stock(find_anchor(page, title, wide=False))


def _absence_reason(
    primary: list[Found], recipe: recipes.Recipe | None, page: Page, in_stock: bool | None
) -> str:
    for item in primary:
        if item.note:
            return item.note
    if in_stock is False:
        return "out of stock: the page shows no price for the product"
    if recipe is not None:
        return f"no price where the recipe [{recipe.name}] looks for it"
    if primary:
        return f"no price in the page state for {page.host}"
    return NO_PRICE


def _no_price(
    reason: str,
    title: str | None,
    in_stock: bool | None,
    candidates: list[Candidate] | tuple[Candidate, ...],
    list_candidate: Candidate | None = None,
) -> Extraction:
    return Extraction(
        price=None,
        currency=list_candidate.currency if list_candidate else None,
        list_price=list_candidate.price if list_candidate else None,
        title=title,
        in_stock=in_stock,
        source=None,
        reason=reason,
        is_from_price=False,
        candidates=tuple(candidates),
    )
