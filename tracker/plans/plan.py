"""The use-case: plan a cart against the store. The CLI (`daoshou plan`), the app's
planner screen and the service (re-planning after a check) all call `plan_cart`, and
nothing else builds a plan from a cart file.

Given the cart file, the store and the moment, every tracked offer is priced from its
listing's latest observation (`tracker.plans.resolve`), the planner prices and optimises
the cart as of that day, and the result says what each chosen offer was priced from:
the observation's time, and whether it is stale.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from planner.cart_file import cart_from_data, read_cart_text, read_toml
from planner.cost import Pricing
from planner.plan import Plan, make_plan, plan_document
from planner.wording import Words
from tracker import locations
from tracker.plans.resolve import PricedFrom, Store, resolve
from tracker.settings import Settings, load_settings
from tracker.store.repository import Repository


@dataclass(frozen=True)
class LivePlan:
    """A plan of a cart as the store prices it now."""

    name: str
    path: Path
    plan: Plan
    sources: tuple[PricedFrom, ...]
    left_out: tuple[Words, ...]

    def priced_from(self, item_id: str, offer_index: int) -> PricedFrom | None:
        """What the offer `offer_index` of item `item_id` was priced from."""
        return next(
            (s for s in self.sources if (s.item_id, s.offer_index) == (item_id, offer_index)),
            None,
        )

    def choices(self) -> dict[str, str]:
        """Item id -> where the plan buys it ("jd/shop/listing 12"), to see what moved."""
        chosen = {}
        for item in self.plan.priced.items:
            source = self.priced_from(item.id, item.offer_index)
            listing = f"/listing {source.listing_id}" if source and source.listing_id else ""
            chosen[item.id] = f"{item.platform}/{item.shop}{listing}"
        return chosen


def load_pricing() -> Pricing:
    """The platform rules and subsidy tables, with the user's overrides."""
    return Pricing.load(locations.platform_rules_file(), locations.subsidies_dir())


def load_store(engine: sa.Engine | None = None, settings: Settings | None = None) -> Store:
    """Tracked listings and their latest observations, as resolution reads them."""
    repository = Repository(engine)
    listings = {view.id: view for view in repository.list_listings()}
    latest = repository.latest_observations(listings)
    interval = timedelta(minutes=(settings or load_settings()).interval_minutes)
    return Store(listings, latest, interval)


def plan_cart(
    path: Path,
    now: datetime,
    *,
    engine: sa.Engine | None = None,
    store: Store | None = None,
    pricing: Pricing | None = None,
    time_limit: float = 10.0,
    name: str | None = None,
) -> LivePlan:
    """Plan the cart file at `path` against the store as of `now` (timezone-aware; the
    caller's clock). CartError / PlanError (one line) when it cannot be planned."""
    text = read_cart_text(path)
    store = store or load_store(engine)
    resolved = resolve(read_toml(text, path), store, now, str(path))
    today = now.astimezone().date()
    cart = cart_from_data(resolved.data, text, path)
    plan = make_plan(cart, pricing or load_pricing(), today=today, time_limit=time_limit)
    return LivePlan(name or path.stem, path, plan, resolved.sources, resolved.left_out)


def live_document(live: LivePlan) -> dict[str, Any]:
    """`plan_document` plus, per item, what it was priced from, and what was left out."""
    document = plan_document(live.plan)
    for item, priced in zip(document["items"], live.plan.priced.items, strict=True):
        source = live.priced_from(priced.id, priced.offer_index)
        item["priced_from"] = _source_document(source)
    document["cart"] = live.name
    document["left_out"] = [why.text("en") for why in live.left_out]
    document["left_out_forms"] = [{"form": w.form, "params": w.as_dict()} for w in live.left_out]
    return document


def _source_document(source: PricedFrom | None) -> dict[str, Any]:
    if source is None or source.listing_id is None:
        return {"listing": None, "observed_at": None, "stale": False}
    assert source.observed_at is not None
    return {
        "listing": source.listing_id,
        "observed_at": source.observed_at.isoformat(),
        "stale": source.stale,
    }
