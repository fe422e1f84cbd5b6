"""A plan: the optimiser's choice, priced by the cost engine, in the shape users read.

`make_plan` asks `planner.optimise` for the cheapest assignment, prices the naive plan
(each item at its cheapest offer, one order per platform) for comparison, and gathers
what cart.md's "Output" lists: totals, the saving, the budget left, payments by date,
orders with their discounts, and every item's steps and per-unit cost. `plan_document`
turns it into the JSON document `daoshou plan --json` prints (money as two-place strings).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from planner.cart import Cart
from planner.cost import PricedCart, PricedItem, PricedOrder, Pricing, naive_assignment, price
from planner.credit import CreditOutcome
from planner.errors import PlanError
from planner.money import ZERO, cents
from planner.optimise import Suggestion, optimise, suggest_additions

__all__ = ["Plan", "make_plan", "money_text", "plan_document"]


@dataclass(frozen=True)
class Plan:
    """The chosen plan and what it is compared against."""

    cart: Cart
    priced: PricedCart
    naive: PricedCart | None
    status: str
    status_text: str
    gap: Decimal
    bound: Decimal
    suggestions: tuple[Suggestion, ...]

    @property
    def total(self) -> Decimal:
        """What the plan costs in hand, to the cent."""
        return cents(self.priced.total)

    @property
    def naive_total(self) -> Decimal | None:
        """What the naive plan costs (None if no offer respects an item's limit)."""
        return None if self.naive is None else cents(self.naive.total)

    @property
    def saving(self) -> Decimal | None:
        """How much the plan saves against the naive plan."""
        return None if self.naive_total is None else self.naive_total - self.total

    @property
    def list_total(self) -> Decimal:
        """The chosen items bought alone at their list price (or price, without one)."""
        total = ZERO
        for bought in self.priced.items:
            offer = self.cart.item(bought.id).offers[bought.offer_index]
            total += (offer.list_price or offer.price) * bought.qty
        return cents(total)

    @property
    def budget_left(self) -> Decimal | None:
        """Budget minus total (negative when over budget), if the cart sets a budget."""
        return None if self.cart.budget is None else self.cart.budget - self.total


def make_plan(cart: Cart, pricing: Pricing, *, today: date, time_limit: float = 10.0) -> Plan:
    """Optimise and price `cart`; PlanError when no plan respects the limits and budget.

    `today` dates the payments of orders placed now; a cart file's own `now` wins over it
    (a plan made for a known day). The planner never reads the clock: the caller does.
    """
    if cart.now is None:
        cart = replace(cart, now=today)
    _known_subsidies(cart, pricing)
    chosen = optimise(cart, pricing, time_limit=time_limit)
    try:
        naive: PricedCart | None = price(cart, naive_assignment(cart, pricing), pricing)
    except PlanError:
        naive = None
    suggestions: tuple[Suggestion, ...] = ()
    if any(item.optional for item in cart.items):
        suggestions = tuple(suggest_additions(cart, pricing, time_limit=time_limit))
    return Plan(
        cart=cart,
        priced=chosen.priced,
        naive=naive,
        status=chosen.status,
        status_text=chosen.describe_status(),
        gap=chosen.gap,
        bound=chosen.bound,
        suggestions=suggestions,
    )


def _known_subsidies(cart: Cart, pricing: Pricing) -> None:
    """Every offer's subsidy is a known programme: found inside the optimiser, an unknown
    one would only rule the offer out and end in a misleading "no plan satisfies"."""
    for item in cart.items:
        for offer in item.offers:
            if offer.subsidy is not None and offer.subsidy not in pricing.subsidies:
                raise PlanError(
                    f"item {item.id}: unknown subsidy programme {offer.subsidy!r}",
                    f"use one of {', '.join(sorted(pricing.subsidies))} or add it to your "
                    "subsidies file",
                    zh=(
                        f"商品 {item.id}：未知的补贴项目 {offer.subsidy!r}",
                        f"用 {', '.join(sorted(pricing.subsidies))} 之一，或把它加到补贴文件中",
                    ),
                )


def money_text(amount: Decimal) -> str:
    """Money as a two-place decimal string, half-up: `Decimal("40")` -> `"40.00"`."""
    return str(cents(amount))


def _optional_money(amount: Decimal | None) -> str | None:
    return None if amount is None else money_text(amount)


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON object of cart.md's "Output" (plus status, notes, suggestions)."""
    priced = plan.priced
    document: dict[str, Any] = {
        "total": money_text(plan.total),
        "currency": plan.cart.currency,
        "naive_total": _optional_money(plan.naive_total),
        "saving": _optional_money(plan.saving),
        "saving_vs_list": money_text(plan.list_total - plan.total),
    }
    if plan.budget_left is not None:
        document["budget_left"] = money_text(plan.budget_left)
    document.update(
        status=plan.status,
        status_text=plan.status_text,
        gap=str(plan.gap),
        payments=[
            {"date": p.date.isoformat(), "amount": money_text(p.amount)} for p in priced.payments
        ],
        orders=[_order(order) for order in priced.orders],
        items=[_item(plan.cart, item) for item in priced.items],
        credits=[_credit(c) for c in priced.credits],
        suggestions=[_suggestion(s) for s in plan.suggestions],
        # English sentences (stable), and the same notes as forms and values to word anew
        notes=[note.text("en") for note in priced.notes],
        note_forms=[{"form": note.form, "params": note.as_dict()} for note in priced.notes],
    )
    return document


def _order(order: PricedOrder) -> dict[str, Any]:
    return {
        "platform": order.platform,
        "order": order.key,
        "shops": list(order.shops),
        "items": list(order.item_ids),
        "discounts": [
            {
                "kind": d.kind,
                "form": d.words.form,
                "params": d.words.as_dict(),
                "label": d.label,
                "amount": money_text(d.amount),
                "shop": d.shop,
            }
            for d in order.discounts
        ],
        "total": money_text(order.total),
    }


def _item(cart: Cart, item: PricedItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "platform": item.platform,
        "shop": item.shop,
        "order": item.order,
        "qty": item.qty,
        "in_hand": money_text(item.in_hand),
        "per_unit": money_text(item.per_unit),
        "unit": item.unit,
        "quantity": f"{item.quantity.normalize():f}",
        **_deposit(cart, item),
        "steps": [
            {
                "kind": s.kind,
                "form": s.words.form,
                "params": s.words.as_dict(),
                "label": s.label,
                "amount": money_text(s.amount),
                "total": money_text(s.total),
            }
            for s in item.steps
        ],
    }


def _deposit(cart: Cart, item: PricedItem) -> dict[str, Any]:
    """A presale item's deposit (paid first) and whether it comes back if you do not pay
    the balance (定金 normally does not)."""
    presale = cart.item(item.id).offers[item.offer_index].presale
    if presale is None:
        return {}
    return {
        "deposit": money_text(presale.deposit * item.qty),
        "deposit_refundable": presale.refundable,
    }


def _credit(credit: CreditOutcome) -> dict[str, Any]:
    return {
        "platform": credit.platform,
        "pay": money_text(credit.pay),
        "get": money_text(credit.get),
        "spent": money_text(credit.spent),
        "used": credit.used,
        "saving": money_text(credit.saving),
        "unused_balance": money_text(credit.unused_balance),
    }


def _suggestion(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "id": suggestion.item_id,
        "name": suggestion.name,
        "platform": suggestion.platform,
        "shop": suggestion.shop,
        "extra": money_text(suggestion.extra),
        "alone": money_text(suggestion.alone),
        "saving": money_text(suggestion.saving),
        "text": suggestion.text(),
        "form": suggestion.words.form,
        "params": suggestion.words.as_dict(),
    }
