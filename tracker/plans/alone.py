"""The in-hand price of one unit bought alone: what an observation's price becomes once
the promotions recorded with it are applied by the planner's cost engine (a shop coupon
reached by the item alone, an instant discount, shipping). Stored with the observation so
history, the chart and alert rules (`--in-hand`) can use it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from planner.cart_file import cart_from_data
from planner.cost import Pricing, naive_assignment, price
from planner.errors import DaoshouError
from planner.money import cents
from tracker.plans.resolve import priced_offer
from tracker.store.views import ListingView, NewObservation


def in_hand_alone(
    listing: ListingView, seen: NewObservation, now: datetime, pricing: Pricing
) -> Decimal | None:
    """One pack of `listing` bought alone at `seen`'s price with its promotions; None when
    there is no price, or when the promotions cannot be priced (never a guess)."""
    if seen.price is None or seen.currency is None:
        return None
    promotions: list[dict[str, object]] = []
    offer = priced_offer({}, listing, seen, promotions, now.date())
    data = {
        "currency": seen.currency,
        "item": [{"id": "alone", "qty": 1, "offer": [offer]}],
        "promotion": promotions,
    }
    try:
        cart = cart_from_data(data, "", None, today=now.date())
        return cents(price(cart, naive_assignment(cart, pricing), pricing).total)
    except (DaoshouError, ValueError, ArithmeticError, KeyError):
        return None
