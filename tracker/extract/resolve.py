"""From many candidates to one verdict, refusing to guess.

Evidence has tiers. A host recipe or a platform adapter knows the page best; JSON-LD and
microdata are the shop's own declaration; price meta tags come from templates that may
hold the regular or pre-tax price; the visible-price heuristic is last. The first tier that
has a selling price decides, and inside a tier the prices must agree. Lower tiers serve as
tie-breakers: when structured prices disagree, the one the page visibly shows wins; when a
meta price and the visible price differ by a VAT-sized ratio, the visible (tax-inclusive)
one wins; any other disagreement is "no price (candidates disagree: ...)".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tracker.extract.model import Candidate

_VAT_LOW, _VAT_HIGH = Decimal("1.04"), Decimal("1.28")
_MAX_PRICE = Decimal("1e9")


@dataclass(frozen=True, slots=True)
class Verdict:
    """The chosen selling candidate (or None) and why not."""

    chosen: Candidate | None
    reason: str | None = None


def selling(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Selling (price or from) candidates with a plausible amount."""
    return [c for c in candidates if c.kind != "list" and 0 < c.price < _MAX_PRICE]


def agree(candidates: list[Candidate]) -> Verdict:
    """One tier's verdict: its selling prices must name one amount in one currency."""
    sells = selling(candidates)
    if not sells:
        return Verdict(None)
    values = {(c.price.normalize(), c.currency) for c in sells}
    currencies = {c for _, c in values if c}
    amounts = {p for p, _ in values}
    if len(amounts) == 1 and len(currencies) <= 1:
        with_currency = [c for c in sells if c.currency]
        best = _prefer_price(with_currency or sells)
        return Verdict(best)
    return Verdict(None, f"candidates disagree: {describe(sells)}")


def tie_break(structured: list[Candidate], visible: list[Candidate]) -> Verdict:
    """Disagreeing structured prices: the one the page visibly shows, else no price."""
    shown = {c.price.normalize() for c in selling(visible)}
    matching = [c for c in selling(structured) if c.price.normalize() in shown]
    if matching and len({c.price.normalize() for c in matching}) == 1:
        return Verdict(_prefer_price(matching))
    return Verdict(None, f"candidates disagree: {describe(selling(structured) + selling(visible))}")


def meta_vs_visible(meta: list[Candidate], visible: list[Candidate]) -> Verdict:
    """A meta price checked against the visible one; a VAT-sized gap means meta is ex-tax."""
    verdict = agree(meta)
    if verdict.chosen is None:
        return verdict
    shown = selling(visible)
    if not shown:
        return verdict
    seen = shown[0]
    if seen.price.normalize() == verdict.chosen.price.normalize():
        return verdict
    ratio = seen.price / verdict.chosen.price
    if _VAT_LOW <= ratio <= _VAT_HIGH:
        return Verdict(seen)
    return Verdict(None, f"candidates disagree: {describe(selling(meta) + shown)}")


def list_price_for(chosen: Candidate, candidates: list[Candidate]) -> Decimal | None:
    """The struck/original price that goes with the chosen price, if one is higher."""
    for candidate in candidates:
        if (
            candidate.kind == "list"
            and candidate.price > chosen.price
            and (candidate.currency in (None, chosen.currency))
        ):
            return candidate.price
    return None


def describe(candidates: list[Candidate]) -> str:
    """A short human list of distinct candidates: `1149 EUR (json-ld), 1239 EUR (meta)`."""
    seen: list[str] = []
    for c in candidates:
        item = f"{c.price} {c.currency or '?'} ({c.source})"
        if item not in seen:
            seen.append(item)
    return ", ".join(seen[:5])


def _prefer_price(candidates: list[Candidate]) -> Candidate:
    """Among agreeing candidates, a plain price over a from-price (more specific)."""
    return next((c for c in candidates if c.kind == "price"), candidates[0])
