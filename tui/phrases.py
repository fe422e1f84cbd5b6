"""Sentences the app and the command line build from daoshou's structured values.

The core hands over data (a rule's kind and parameters, a check's outcome); this module
words it through the catalogue (`tui.i18n`), so both front ends say the same thing in
the same language. Values from strangers (reasons from pages, shop names) are inserted
as plain text; callers render the result literally.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from planner.money import format_money
from tracker.platforms import platform_name
from tui.i18n import STRINGS, fetch_text, reason_text, t

if TYPE_CHECKING:
    from planner.cart import Promotion
    from planner.plan import Plan
    from tracker.checks.outcome import CheckOutcome

__all__ = ["outcome_text", "plan_status_text", "promotion_text", "rule_text"]

# The fetch statuses that stored nothing on purpose (tracker.checks.outcome), by key.
_NOT_FETCHED = {
    "skipped": "check.skipped",
    "leased": "check.leased",
    "signed_out": "check.signed_out",
}


def rule_text(
    kind: str, params: Mapping[str, Any], *, fired: bool = False, waiting: str | None = None
) -> str:
    """One sentence per rule kind (`rule.<kind>`); a kind without one names itself and
    shows its parameters as they are stored."""
    key = f"rule.{kind}"
    if kind == "target" and params.get("in_hand"):
        key = "rule.target.in_hand"
    if key in STRINGS:
        text = t(key, **_rule_values(kind, params))
    else:
        raw = " ".join(f"{k}={v}" for k, v in sorted(params.items()))
        text = f"{t('rule.other', kind=kind)} {raw}".strip()
    if fired:
        text += t("rule.fired")
    if waiting:
        text += t("rule.waiting", why=waiting)
    return text


def _rule_values(kind: str, params: Mapping[str, Any]) -> dict[str, str]:
    """The parameters a kind's sentence names, as people read them (money with its sign)."""
    currency = params.get("currency")
    values = {"deadline": str(params.get("deadline", ""))}
    for name in ("price", "paid", "amount"):
        if name in params:
            values[name] = _money(params[name], currency)
    if kind == "drop":
        basis = str(params.get("basis", "last"))
        basis_key = f"rule.basis.{basis}"
        values["basis"] = t(basis_key) if basis_key in STRINGS else basis
        values["by"] = f"{params['pct']}%" if "pct" in params else values.get("amount", "")
    return values


def _money(value: object, currency: object) -> str:
    try:
        return format_money(Decimal(str(value)), str(currency) if currency else None)
    except InvalidOperation:
        return str(value)


def plan_status_text(plan: Plan) -> str:
    """Proven optimal, or at most how far above the lower bound the plan may be."""
    if plan.status == "optimal":
        return t("plan.optimal")
    return t("plan.not_optimal", gap=f"{plan.gap * 100:.2f}")


def promotion_text(promotion: Promotion) -> str:
    """A cart promotion the page gave no label for: its platform and its kind of offer."""
    return t(f"promo.{type(promotion).__name__}", platform=platform_name(promotion.platform))


def outcome_text(outcome: CheckOutcome) -> str:
    """What one check found, in the current language: the price, "no price (reason)", or
    why nothing was fetched; a reason daoshou wrote (a page's, the fetcher's) is worded
    again in Chinese, other words (an exception's) stay as they are."""
    observation = outcome.observation
    if observation is None:
        key = _NOT_FETCHED.get(outcome.fetch)
        status = fetch_text(outcome.fetch)
        if outcome.detail:
            status = t("check.failed_because", status=status, detail=reason_text(outcome.detail))
        return t(key) if key else t("check.failed", detail=status)
    if observation.price is None:
        return t("check.no_price", reason=reason_text(observation.reason or "?"))
    price = f"{observation.price} {observation.currency or ''}".rstrip()
    if observation.is_from_price:
        return t("check.from_price", price=price)
    return t("check.not_modified", price=price) if outcome.fetch == "not_modified" else price
