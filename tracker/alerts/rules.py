"""Alert rule kinds: what each built-in kind checks, and the contract every kind meets.

A kind is a small object with three jobs: `parse_params` validates what a user asked for
(and is the only place a rule's parameters are interpreted), `evaluate` looks at one new
observation and returns a `Trigger` when the rule fires, and `describe` says in one short
phrase, in Chinese or English, why it fired. The table of kinds is built in `kinds.py`;
the engine and the outbox only see `Trigger`s, so a new kind (the forecaster's "buy now",
the planner's "plan total changed") never touches delivery.

A trigger's `identity` is the part of the dedupe key that names *this* firing: the
crossing or the pair of observations behind it, never the new observation's own id.
Two processes that record two observations of the same change therefore produce the same
key, and the unique key makes one of them a no-op. Target hysteresis lives in the same
identity: the crossing is named by the last observation above the re-arm level, so the
rule fires again only after the price has really gone back up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from sqlmodel import Session

from planner.money import format_money, read_amount
from tracker.alerts import history
from tracker.errors import AlertError
from tracker.settings import Language
from tracker.store.tables import Observation

DEFAULT_MARGIN_PCT = Decimal(2)  # target re-arms once the price is 2% above the target
MEDIAN_DAYS = 30
MEDIAN_MIN_POINTS = 3  # a "median" of one or two prices is just noise
AMOUNT_STEP = Decimal("0.0001")


@dataclass(frozen=True)
class RuleContext:
    """What a kind may look at: the rule, the new observation, and the session to ask."""

    session: Session
    params: Mapping[str, Any]
    observation: Observation
    scope_listing_ids: tuple[int, ...]  # the listings the rule covers (product: all of them)


@dataclass(frozen=True)
class Trigger:
    """A rule firing: what changed and the facts its message needs."""

    identity: str
    new_price: Decimal | None
    old_price: Decimal | None
    currency: str | None
    facts: Mapping[str, str] = field(default_factory=dict)


class RuleKind(Protocol):
    """The contract every rule kind fulfils (see the module docstring)."""

    name: str
    needs_price: bool  # skip observations without a comparable price

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]: ...

    def evaluate(self, ctx: RuleContext) -> Trigger | None: ...

    def describe(self, params: Mapping[str, Any], trigger: Trigger, lang: Language) -> str: ...


def decimal_param(raw: Mapping[str, Any], key: str, *, positive: bool = True) -> Decimal:
    """A Decimal parameter, refused with a clear message when missing or not a number."""
    value = raw.get(key)
    number = read_amount(str(value))
    if number is None:
        raise AlertError(
            f"alert parameter {key}={value!r} is not a number",
            "e.g. 59.90",
            zh=(f"提醒参数 {key}={value!r} 不是数字", "例如 59.90"),
        )
    if not number.is_finite() or (positive and number <= 0):
        raise AlertError(
            f"alert parameter {key}={value!r} must be above zero",
            "e.g. 59.90",
            zh=(f"提醒参数 {key}={value!r} 必须大于零", "例如 59.90"),
        )
    return number


def _currency(raw: Mapping[str, Any]) -> str | None:
    """The currency a user named, or None: the rule then takes its listing's currency."""
    if raw.get("currency") in (None, ""):
        return None
    code = str(raw["currency"]).strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise AlertError(
            f"currency {code!r} is not an ISO 4217 code",
            "e.g. CNY or USD",
            zh=(f"币种 {code!r} 不是 ISO 4217 代码", "例如 CNY 或 USD"),
        )
    return code


def rule_currency(params: Mapping[str, Any], observation: Observation) -> str | None:
    """The currency a rule compares in: its own, else the observed listing's.

    Rules stored before a rule carried its currency (and rules made before the listing's
    first price) take the currency of the listing they watch, never a default.
    """
    return params.get("currency") or observation.currency


def _with_currency(params: dict[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    code = _currency(raw)
    if code is not None:
        params["currency"] = code
    return params


def _shown_currency(params: Mapping[str, Any], trigger: Trigger) -> str | None:
    return params.get("currency") or trigger.currency


def _priced(ctx: RuleContext) -> Decimal | None:
    obs = ctx.observation
    if obs.price is None or obs.is_from_price or obs.currency != rule_currency(ctx.params, obs):
        return None
    return obs.price


class TargetKind:
    """The price (or, with `in_hand`, the in-hand price of one unit bought alone, its
    recorded promotions applied) is at or below a target; re-arms above target + margin."""

    name = "target"
    needs_price = True

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        price = decimal_param(raw, "price")
        if raw.get("margin") not in (None, ""):
            margin = decimal_param(raw, "margin", positive=False)
        else:
            margin = (price * DEFAULT_MARGIN_PCT / 100).quantize(Decimal("0.01"))
        if margin < 0:
            raise AlertError(
                f"re-arm margin {margin} is negative",
                "use 0 or more",
                zh=(f"重新启用的余量 {margin} 为负数", "用 0 或更大的数"),
            )
        for amount in (price, margin):  # prices are stored to 1/10000 (`models.Amount`)
            if amount != amount.quantize(AMOUNT_STEP):
                raise AlertError(
                    f"amount {amount} has more than 4 decimal places",
                    "e.g. 59.90",
                    zh=(f"金额 {amount} 超过 4 位小数", "例如 59.90"),
                )
        parsed = _with_currency({"price": str(price), "margin": str(margin)}, raw)
        return {**parsed, "in_hand": True} if raw.get("in_hand") else parsed

    def evaluate(self, ctx: RuleContext) -> Trigger | None:
        """Fire at or below target. An in-hand rule compares only the in-hand price: an
        observation without one (promotions that could not be priced) never fires it on
        the sticker price, which is not what the user asked about (`waiting` says why)."""
        target = Decimal(ctx.params["price"])
        in_hand = bool(ctx.params.get("in_hand"))
        price = _priced(ctx)
        if price is not None and in_hand:
            price = ctx.observation.in_hand
        if price is None or price > target:
            return None
        rearm_level = target + Decimal(ctx.params["margin"])
        session, obs = ctx.session, ctx.observation
        crossing = history.last_price_above(session, obs, rearm_level, in_hand=in_hand)
        previous = history.previous_price(session, obs, in_hand=in_hand)
        return Trigger(
            identity=f"below-after-{crossing}",
            new_price=price,
            old_price=previous.price if previous else None,
            currency=obs.currency,
        )

    def is_rearmed(self, params: Mapping[str, Any], observation: Observation) -> bool:
        """Whether this observation is far enough above the target to re-arm the rule."""
        level = Decimal(params["price"]) + Decimal(params["margin"])
        price = observation.in_hand if params.get("in_hand") else observation.price
        return price is not None and price > level

    def waiting(self, params: Mapping[str, Any], observation: Observation) -> str | None:
        """Why the rule cannot fire on `observation` although it has a price, or None."""
        if params.get("in_hand") and observation.price is not None and observation.in_hand is None:
            return "no in-hand price at the last check: its promotions could not be priced"
        return None

    def describe(self, params: Mapping[str, Any], trigger: Trigger, lang: Language) -> str:
        target = format_money(Decimal(params["price"]), _shown_currency(params, trigger))
        if params.get("in_hand"):
            return f"到手价 ≤ {target}" if lang == "zh" else f"in-hand price ≤ {target}"
        return f"目标价 ≤ {target}" if lang == "zh" else f"target ≤ {target}"


class DropKind:
    """The price fell by N% or N units against the last price or the 30-day median."""

    name = "drop"
    needs_price = True

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        basis = str(raw.get("basis") or "last")
        if basis not in ("last", "median30"):
            raise AlertError(
                f"drop basis {basis!r} is unknown",
                "use last or median30",
                zh=(f"未知的降价基准 {basis!r}", "用 last 或 median30"),
            )
        has_pct, has_amount = raw.get("pct") is not None, raw.get("amount") is not None
        if has_pct == has_amount:
            raise AlertError(
                "a drop rule needs a percentage or an amount",
                "e.g. --drop 10",
                zh=("降价规则需要一个百分比或金额", "例如 --drop 10"),
            )
        params: dict[str, Any] = _with_currency({"basis": basis}, raw)
        if has_pct:
            pct = decimal_param(raw, "pct")
            if pct >= 100:
                raise AlertError(
                    f"drop of {pct}% is impossible",
                    "use a percentage below 100",
                    zh=(f"降价 {pct}% 不可能", "用小于 100 的百分比"),
                )
            params["pct"] = str(pct)
        else:
            params["amount"] = str(decimal_param(raw, "amount"))
        return params

    def _dropped_enough(
        self, params: Mapping[str, Any], reference: Decimal, price: Decimal
    ) -> bool:
        fall = reference - price
        if fall <= 0:
            return False
        if "pct" in params:
            return fall * 100 >= reference * Decimal(params["pct"])
        return fall >= Decimal(params["amount"])

    def evaluate(self, ctx: RuleContext) -> Trigger | None:
        price = _priced(ctx)
        if price is None:
            return None
        previous = history.previous_price(ctx.session, ctx.observation)
        if ctx.params["basis"] == "last":
            if previous is None or not self._dropped_enough(ctx.params, previous.price, price):
                return None
            return Trigger(
                f"after-{previous.observation_id}", price, previous.price, ctx.observation.currency
            )
        return self._evaluate_median(ctx, price, previous)

    def _evaluate_median(
        self, ctx: RuleContext, price: Decimal, previous: history.PricePoint | None
    ) -> Trigger | None:
        """Fire on the observation that first goes far enough below the running median."""
        median = history.median_before(ctx.session, ctx.observation, MEDIAN_DAYS, MEDIAN_MIN_POINTS)
        if median is None or not self._dropped_enough(ctx.params, median, price):
            return None
        if previous is not None:
            prior = ctx.session.get(Observation, previous.observation_id)
            prior_median = (
                history.median_before(ctx.session, prior, MEDIAN_DAYS, MEDIAN_MIN_POINTS)
                if prior is not None
                else None
            )
            if prior_median is not None and self._dropped_enough(
                ctx.params, prior_median, previous.price
            ):
                return None  # already below at the previous check: same episode
        identity = f"median-after-{previous.observation_id if previous else 0}"
        old = previous.price if previous else None
        return Trigger(identity, price, old, ctx.observation.currency, {"median": str(median)})

    def describe(self, params: Mapping[str, Any], trigger: Trigger, lang: Language) -> str:
        if "pct" in params:
            size = f"{Decimal(params['pct']).normalize():f}%"
        else:
            size = format_money(Decimal(params["amount"]), _shown_currency(params, trigger))
        if params["basis"] == "last":
            return f"较上次降价 ≥ {size}" if lang == "zh" else f"dropped ≥ {size} since last check"
        median = format_money(Decimal(trigger.facts["median"]), _shown_currency(params, trigger))
        if lang == "zh":
            return f"低于30天中位价 {median} 至少 {size}"
        return f"≥ {size} below the 30-day median {median}"


class LowestKind:
    """A new lowest price since tracking began (and the lowest ever, with imported history)."""

    name = "lowest"
    needs_price = True

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        return _with_currency({}, raw)

    def evaluate(self, ctx: RuleContext) -> Trigger | None:
        price = _priced(ctx)
        if price is None:
            return None
        ids, obs = ctx.scope_listing_ids, ctx.observation
        tracked_low = history.lowest_before(ctx.session, ids, obs, imported=False)
        if tracked_low is None or price >= tracked_low:
            return None  # the first price is not "a new low"; an equal price is not new
        imported_low = history.lowest_before(ctx.session, ids, obs, imported=True)
        ever = imported_low is not None and price < imported_low
        facts = {"ever": "yes" if ever else "no"}
        return Trigger(f"low-{price}", price, tracked_low, ctx.observation.currency, facts)

    def describe(self, params: Mapping[str, Any], trigger: Trigger, lang: Language) -> str:
        ever = trigger.facts.get("ever") == "yes"
        if lang == "zh":
            return "历史最低价" if ever else "开始跟踪以来最低价"
        return "lowest price ever" if ever else "lowest price since tracking began"


class InStockKind:
    """The listing is back in stock after a check that found it sold out."""

    name = "in_stock"
    needs_price = False

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def evaluate(self, ctx: RuleContext) -> Trigger | None:
        if ctx.observation.in_stock is not True:
            return None
        before = history.previous_stock(ctx.session, ctx.observation)
        if before is None or before[1]:
            return None
        previous = history.previous_price(ctx.session, ctx.observation)
        return Trigger(
            identity=f"restock-after-{before[0]}",
            new_price=ctx.observation.price,
            old_price=previous.price if previous else None,
            currency=ctx.observation.currency,
        )

    def describe(self, params: Mapping[str, Any], trigger: Trigger, lang: Language) -> str:
        return "已到货" if lang == "zh" else "back in stock"
