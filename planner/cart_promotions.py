"""A cart's promotions read field by field: coupons, thresholds, member discounts,
shopping credit and free shipping, each error pointing at its file, line and field
through the `FieldReader` of `planner.cart_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from planner.cart import (
    SCOPES,
    Credit,
    Eligibility,
    EveryOff,
    FreeShipping,
    PercentOff,
    Promotion,
    Threshold,
    is_coupon,
)
from planner.cart_fields import FieldReader
from planner.money import parse_money
from planner.toml_lines import KeyLines

__all__ = ["promotion_from"]

_PROMOTION_KEYS = {
    "kind", "platform", "scope", "shop", "every", "off", "max_off", "tiers", "over", "coupon",
    "rate", "cap", "requires_member", "items", "categories", "label", "pay", "get", "at", "uses",
}  # fmt: skip
_KINDS = {
    "every": {"every", "off", "max_off"},
    "threshold": {"tiers", "over", "off"},
    "percent": {"rate", "cap", "over", "requires_member"},
    "credit": {"pay", "get", "at"},
    "free_shipping": {"over"},
}
# Other names people give the same kinds (a red packet is a threshold coupon at 0).
_KIND_ALIASES = {
    "every_off": "every",
    "coupon": "threshold",
    "red_packet": "threshold",
    "member": "percent",
    "shopping_credit": "credit",
    "shipping": "free_shipping",
    "free_shipping": "free_shipping",
}
_COMMON = {"kind", "platform", "scope", "shop", "coupon", "items", "categories", "label", "uses"}


def promotion_from(reader: FieldReader | Mapping[str, Any]) -> Promotion:
    """One `[[promotion]]` table, by kind.

    Also takes a plain mapping in the cart's vocabulary (the promotions recorded with a
    tracked listing are stored as such JSON objects); errors then name `promotion`.
    """
    if not isinstance(reader, FieldReader):
        reader = FieldReader(reader, ("promotion",), KeyLines(""), "<promotion>")
    kind = reader.text("kind")
    kind = _KIND_ALIASES.get(kind.strip().lower().replace("-", "_"), kind)
    if kind not in _KINDS:
        raise reader.field_error(
            "kind",
            f"unknown kind {kind!r}",
            f"use one of {', '.join(_KINDS)}",
            zh=(f"未知的类型 {kind!r}", f"可用：{', '.join(_KINDS)}"),
        )
    reader.only((_COMMON - {"uses"} if kind in ("credit", "free_shipping") else _COMMON)
                | _KINDS[kind])  # fmt: skip
    platform = reader.text("platform").strip().lower()
    if kind == "credit":
        pay, get = reader.money("pay"), reader.money("get")
        if get < pay:
            raise reader.field_error(
                "get", f"get {get} is less than pay {pay}", zh=(f"到账 {get} 少于充值 {pay}", "")
            )
        return Credit(
            platform, pay, get, reader.day("at", optional=True), reader.text("label", default="")
        )
    shop = reader.text("shop", optional=True)
    if kind == "free_shipping":
        return FreeShipping(platform, reader.money("over"), shop, reader.text("label", default=""))
    promotion = _discount(reader, kind, platform, shop)
    if "uses" in reader.data and not is_coupon(promotion):
        raise reader.field_error(
            "uses",
            "only a coupon is held and counted; this promotion applies to every order",
            "mark it coupon = true, or remove uses",
            zh=(
                "只有优惠券会被持有并计数；这项优惠对每个订单都适用",
                "标记 coupon = true，或删除 uses",
            ),
        )
    return promotion


def _discount(
    reader: FieldReader, kind: str, platform: str, shop: str | None
) -> EveryOff | Threshold | PercentOff:
    scope = reader.text("scope", default="shop" if shop else "platform")
    if scope not in SCOPES:
        raise reader.field_error(
            "scope",
            f"unknown scope {scope!r}",
            f"use one of {', '.join(SCOPES)}",
            zh=(f"未知的范围 {scope!r}", f"可用：{', '.join(SCOPES)}"),
        )
    common = {
        "platform": platform,
        "scope": scope,
        "shop": shop,
        "coupon": reader.flag("coupon"),
        "eligible": Eligibility(
            tuple(reader.strings("items")), tuple(reader.strings("categories"))
        ),
        "label": reader.text("label", default=""),
        "uses": reader.integer("uses", default=1, minimum=1),
    }
    if kind == "every":
        every = reader.money("every")
        if every <= 0:
            raise reader.field_error("every", "must be more than zero", zh=("必须大于零", ""))
        return EveryOff(
            every=every,
            off=reader.money("off"),
            max_off=reader.money("max_off", optional=True),
            **common,
        )
    if kind == "threshold":
        return Threshold(tiers=_tiers(reader), **common)
    return PercentOff(
        rate=reader.rate("rate"),
        cap=reader.money("cap", optional=True),
        over=reader.money("over", default="0"),
        requires_member=(reader.text("requires_member", optional=True) or "").lower() or None,
        **common,
    )


def _tiers(reader: FieldReader) -> tuple[tuple[Decimal, Decimal], ...]:
    if "tiers" not in reader.data:
        return ((reader.money("over", default="0"), reader.money("off")),)
    raw = reader.data["tiers"]
    if not isinstance(raw, list) or not raw:
        raise reader.field_error(
            "tiers",
            "must be a list of [threshold, off] pairs",
            'write tiers = [["200", "20"]]',
            zh=("必须是 [门槛, 减额] 对的列表", '写成 tiers = [["200", "20"]]'),
        )
    tiers = []
    for pair in raw:
        if not isinstance(pair, list) or len(pair) != 2:
            raise reader.field_error(
                "tiers",
                f"{pair!r} is not a [threshold, off] pair",
                'write ["200", "20"]',
                zh=(f"{pair!r} 不是 [门槛, 减额] 对", '写成 ["200", "20"]'),
            )
        try:
            tiers.append((parse_money(pair[0], "threshold"), parse_money(pair[1], "off")))
        except ValueError as exc:
            raise reader.field_error(
                "tiers", str(exc), zh=(f"{pair!r} 中的门槛和减额必须是金额", '写成 ["200", "20"]')
            ) from None
    return tuple(tiers)
