"""Promotions stated next to a price, in the cart file's own vocabulary (docs/cart.md).

A platform shows what changes the price it shows: 券后价 with its coupon, 领券 shop
coupons (满200减20), cross-store marks (每满300减50), member prices (PLUS, 88VIP), 限购,
presale deposits (定金50抵150). The planner needs them to compute the in-hand price, so
each one is recorded as a plain JSON-able dict that `planner.cart_fields` reads one to
one: an order-level promotion is a cart `[[promotion]]` table plus `"applies_to":
"order"`; an offer-level one names the `[[item.offer]]` field it fills (`"applies_to":
"offer", "field": "presale", "value": {...}`). Both keep the page's words in
`source_text` and, where the page states them, `valid_from`/`valid_until` and `claimed`.

Only what a phrase says unambiguously is read; a phrase this module does not understand
is dropped rather than guessed at, because a wrong promotion makes a wrong in-hand price.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from planner.multibuy import multibuy_from

Promotion = dict[str, Any]
"""One promotion as stored with an observation (see the module docstring)."""

_NUM = r"(\d+(?:\.\d+)?)\s*(万|萬)?"
_EVERY = re.compile(
    rf"每满\s*{_NUM}\s*元?\s*减\s*{_NUM}\s*元?(?:[^\d]{{0,6}}?(?:最高|封顶|上限)减?\s*{_NUM})?"
)
_TIER = re.compile(rf"(?<!每)满\s*{_NUM}\s*元?\s*减\s*{_NUM}\s*元?")
_NO_THRESHOLD = re.compile(rf"{_NUM}\s*元?\s*无门槛|无门槛\s*(?:券|红包)?\s*{_NUM}\s*元?")
_PERCENT = re.compile(rf"满\s*{_NUM}\s*元\s*(?:打|享)?\s*(\d(?:\.\d)?|\d\d)\s*折")
_FREE_SHIPPING = re.compile(rf"满\s*{_NUM}\s*元?\s*包邮")
_PRESALE = re.compile(
    rf"定金\s*[¥￥]?\s*{_NUM}\s*元?\s*(?:抵|可抵|膨胀(?:至|为|到)?)\s*[¥￥]?\s*{_NUM}"
)
_LIMIT = re.compile(r"(?:每人|每个?用户|每ID)?限购\s*(\d+)\s*(?:件|个|台|份|盒|瓶)")
_INSTANT_OFF = re.compile(rf"(?:官方立减|立减|直降)\s*[¥￥]?\s*{_NUM}\s*(元|%)?")
_MULTIBUY = re.compile(r"第(?:二|2)件半价|买\d+送\d+|\d+件\d+(?:\.\d)?折|第\d+件\d+(?:\.\d)?折")
_CROSS_STORE = ("跨店", "跨店满减", "购物津贴", "跨店每满")
_COUPON_WORDS = ("券", "领券", "优惠券", "红包")
_MEMBERS = {"plus": "plus", "88vip": "88vip"}
_CST = timedelta(hours=8)


def amount(value: object) -> str | None:
    """A positive amount as a decimal string ("1.2万" -> "12000"), else None.

    Chinese magnitudes are multiplied out; anything that is not a plain positive number
    (a negative, a zero, text) is no amount.
    """
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    factor = Decimal(1)
    if text.endswith(("万", "萬")):
        text, factor = text[:-1].strip(), Decimal(10000)
    try:
        number = Decimal(text) * factor
    except InvalidOperation:
        return None
    if not number.is_finite() or number <= 0:
        return None
    return _plain(number)


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _money(match: re.Match[str], group: int) -> str | None:
    """The amount in groups (group, group+1) of a `_NUM` pattern."""
    digits = match.group(group)
    if digits is None:
        return None
    return amount(digits + (match.group(group + 1) or ""))


def from_text(text: str, platform: str, shop: str | None = None, **extra: Any) -> list[Promotion]:
    """Every promotion one phrase of the page states ("每满300减50", "定金50抵150", ...).

    `extra` (validity, `claimed`) is added to each promotion read from the phrase.
    """
    text = " ".join(str(text).split())
    if not text:
        return []
    found = [
        *_order_level(text, platform, shop),
        *_offer_level(text),
    ]
    for promotion in found:
        promotion["source_text"] = text
        promotion.update({k: v for k, v in extra.items() if v is not None})
    return found


def _order_level(text: str, platform: str, shop: str | None) -> list[Promotion]:
    cross = any(word in text for word in _CROSS_STORE)
    coupon = any(word in text for word in _COUPON_WORDS)
    base: Promotion = {"applies_to": "order", "platform": platform}
    if cross:
        base["scope"] = "cross_store"
    elif shop:
        base.update(scope="shop", shop=shop)
    else:
        base["scope"] = "shop" if coupon else "platform"
    out: list[Promotion] = []
    for match in _EVERY.finditer(text):
        every, off = _money(match, 1), _money(match, 3)
        if every and off and Decimal(off) < Decimal(every):
            item = {**base, "kind": "every", "every": every, "off": off, "coupon": coupon}
            if cap := _money(match, 5):
                item["max_off"] = cap
            out.append(item)
    tiers = [
        [over, off]
        for m in _TIER.finditer(text)
        if (over := _money(m, 1)) and (off := _money(m, 3)) and Decimal(off) < Decimal(over)
    ]
    tiers += [
        ["0", off] for m in _NO_THRESHOLD.finditer(text) if (off := _money(m, 1) or _money(m, 3))
    ]
    if tiers:
        tiers.sort(key=lambda pair: Decimal(pair[0]))
        item = {**base, "kind": "threshold", "tiers": tiers, "coupon": coupon}
        if coupon:
            item["uses"] = 1
        out.append(item)
    for match in _PERCENT.finditer(text):
        over, rate = _money(match, 1), _rate(match.group(3))
        if over and rate:
            out.append({**base, "kind": "percent", "over": over, "rate": rate, "coupon": coupon})
    for match in _FREE_SHIPPING.finditer(text):
        if over := _money(match, 1):
            out.append({"applies_to": "order", "platform": platform, "kind": "free_shipping",
                        "over": over, **({"shop": shop} if shop else {})})  # fmt: skip
    return out


def _rate(digits: str) -> str | None:
    """折 to a rate to pay: 9折 -> 0.9, 9.5折 -> 0.95, 85折 -> 0.85."""
    value = Decimal(digits)
    rate = value / 100 if value >= 10 else value / 10
    return _plain(rate) if 0 < rate < 1 else None


def _offer_level(text: str) -> list[Promotion]:
    out: list[Promotion] = []
    if match := _PRESALE.search(text):
        deposit, worth = _money(match, 1), _money(match, 3)
        if deposit and worth and Decimal(worth) >= Decimal(deposit):
            out.append(offer("presale", {"deposit": deposit, "worth": worth}))
    if match := _LIMIT.search(text):
        count = int(match.group(1))
        if count > 0:
            out.append(offer("limit", count))
    if match := _INSTANT_OFF.search(text):
        value = _money(match, 1)
        if value and match.group(3) == "%":
            value = f"{value}%"
        if value:
            out.append(offer("instant_off", value))
    if (match := _MULTIBUY.search(text)) and multibuy_from(match.group(0)) is not None:
        out.append(offer("multibuy", match.group(0)))
    if any(word in text for word in _CROSS_STORE):
        out.append(offer("cross_store", True))
    return out


def offer(field: str, value: Any, **extra: Any) -> Promotion:
    """An offer-level promotion: the `[[item.offer]]` field it fills and its value."""
    return {"applies_to": "offer", "field": field, "value": value, **extra}


def member_price(price: object, member: str, source_text: str) -> Promotion | None:
    """A member-only price (JD PLUS, 88VIP): never the price, recorded beside it."""
    value = amount(price)
    if value is None or member not in _MEMBERS:
        return None
    return offer("member_price", value, requires_member=_MEMBERS[member], source_text=source_text)


def moment(value: object) -> str | None:
    """An ISO 8601 time from epoch milliseconds/seconds or a `YYYY-MM-DD hh:mm:ss` text.

    Platforms state times in China Standard Time; epoch values are rendered in UTC+8 so
    the stored time reads as the page showed it.
    """
    if isinstance(value, bool) or value in (None, ""):
        return None
    text = str(value).strip()
    if text.isdigit():
        seconds = int(text) / (1000 if len(text) > 11 else 1)
        try:
            stamp = datetime.fromtimestamp(seconds, UTC) + _CST
        except (OverflowError, OSError, ValueError):
            return None
        return stamp.replace(tzinfo=None).isoformat(timespec="seconds") + "+08:00"
    match = re.fullmatch(
        r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?", text
    )
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        stamp = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return stamp.isoformat(timespec="seconds") + "+08:00"


def unique(promotions: list[Promotion]) -> tuple[Promotion, ...]:
    """The promotions with exact repeats dropped (a phrase shown in two places)."""
    seen: list[Promotion] = []
    for item in promotions:
        if item not in seen:
            seen.append(item)
    return tuple(seen)


def describe(promotion: Promotion) -> str:
    """One short line for people: the page's own words when recorded, else the terms.

    Plain text (callers that render markup must still treat it as untrusted)."""
    if promotion.get("source_text"):
        return " ".join(str(promotion["source_text"]).split())[:60]
    if promotion.get("applies_to") == "offer":
        return f"{promotion.get('field')} {_terms(promotion.get('value'))}"
    keys = ("every", "off", "max_off", "tiers", "rate", "over")
    terms = " ".join(f"{k}={_terms(promotion[k])}" for k in keys if k in promotion)
    return f"{promotion.get('kind', '?')} {promotion.get('scope', '')} {terms}".replace("  ", " ")


def _terms(value: object) -> str:
    if isinstance(value, dict):
        return ",".join(f"{k}={_terms(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "/".join(_terms(v) for v in value)
    return str(value)
