"""Promotions stated next to a price, in the cart file's own vocabulary (docs/cart.md).

A platform shows what changes the price it shows: 券后价 with its coupon, 领券 shop
coupons (满200减20), cross-store marks (每满300减50), member prices (PLUS, 88VIP), 限购,
presale deposits (定金¥100, 定金50抵150, 尾款¥899). The planner needs them to compute the
in-hand price, so each one is recorded as a plain JSON-able dict that `planner.cart_fields`
reads one to one: an order-level promotion is a cart `[[promotion]]` table plus
`"applies_to": "order"`; an offer-level one names the `[[item.offer]]` field it fills
(`"applies_to": "offer", "field": "presale", "value": {...}`). Both keep the page's words
in `source_text` and, where the page states them, `valid_from`/`valid_until` and
`claimed`; a presale also keeps its stated `balance` (尾款) and `presale_price`, which the
cart's presale table has no field for (the offer's price is the presale price).

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

_NUM = r"(\d+(?:\.\d+)?)\s*(万|萬|千|亿|億)?"
_EVERY = re.compile(
    rf"每满\s*{_NUM}\s*元?\s*减\s*{_NUM}\s*元?(?:[^\d]{{0,6}}?(?:最高|封顶|上限)减?\s*{_NUM})?"
)
_TIER = re.compile(rf"(?<!每)满\s*{_NUM}\s*元?\s*减\s*{_NUM}\s*元?")
_NO_THRESHOLD = re.compile(rf"{_NUM}\s*元?\s*无门槛|无门槛\s*(?:券|红包)?\s*{_NUM}\s*元?")
_PERCENT = re.compile(rf"满\s*{_NUM}\s*元\s*(?:打|享)?\s*(\d(?:\.\d)?|\d\d)\s*折")
_FREE_SHIPPING = re.compile(rf"满\s*{_NUM}\s*元?\s*包邮")
_LIMIT = re.compile(r"(?:每人|每个?用户|每ID)?限购\s*(\d+)\s*(?:件|个|台|份|盒|瓶)")
_INSTANT_OFF = re.compile(rf"(?:官方立减|立减|直降)\s*[¥￥]?\s*{_NUM}\s*(元|%)?")
_MULTIBUY = re.compile(r"第(?:二|2)件半价|买\d+送\d+|\d+件\d+(?:\.\d)?折|第\d+件\d+(?:\.\d)?折")
_CROSS_STORE = ("跨店", "跨店满减", "购物津贴", "跨店每满")
_COUPON_WORDS = ("券", "领券", "优惠券", "红包")
_MEMBERS = {"plus": "plus", "88vip": "88vip"}
_CST = timedelta(hours=8)
_MAGNITUDES = {"万": 10_000, "萬": 10_000, "千": 1_000, "亿": 100_000_000, "億": 100_000_000}


def amount(value: object) -> str | None:
    """A positive amount as a decimal string ("1.2万" -> "12000"), else None.

    Chinese magnitudes are multiplied out; anything that is not a plain positive number
    (a negative, a zero, text) is no amount.
    """
    text = str(value).strip() if value is not None and not isinstance(value, bool) else ""
    factor = Decimal(1)
    if text[-1:] in _MAGNITUDES:
        text, factor = text[:-1].strip(), Decimal(_MAGNITUDES[text[-1]])
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
    stated = presale_from(text)
    if stated is not None:
        out.append(stated)
    if match := _LIMIT.search(text):
        count = int(match.group(1))
        if count > 0:
            out.append(offer("limit", count))
    if (match := _INSTANT_OFF.search(text)) and not (stated and "reduction" in stated["value"]):
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


# A presale (预售) phrase, read by its parts: a deposit (定金/订金) and, after it, what the
# deposit is worth at the balance (抵/膨胀) or how much paying it takes off (付定立减); the
# balance (尾款) and the presale price (预售价, 到手价) anywhere in the phrase, and the
# windows when they carry a year. An amount followed by a date's marks is a date, not money.
_AMOUNT = rf"[¥￥]?\s*{_NUM}\s*元?(?![\d.]|\s*[年月日号点:：/-])"
_DEPOSIT = re.compile(rf"(?:定金|订金)(?:金额)?\s*[:：]?\s*{_AMOUNT}")
_WORTH = re.compile(rf"[\s,，]*(?:可抵|抵扣|抵|当|膨胀(?:至|为|到|成)?)\s*[:：]?\s*{_AMOUNT}")
_REDUCTION = re.compile(rf"[\s,，]*(?:立减|再减|直减|减)\s*[:：]?\s*{_AMOUNT}")
_BALANCE = re.compile(rf"尾款(?:金额)?\s*[:：]?\s*{_AMOUNT}")
_PRESALE_PRICE = re.compile(rf"(?:预售价|到手价)(?:格)?\s*[:：]?\s*{_AMOUNT}")
_DATE = r"(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)"
_BALANCE_WINDOW = re.compile(rf"尾款[^\d¥￥]{{0,8}}{_DATE}(?:\s*(?:至|到|~|～|-|—)\s*{_DATE})?")
_DEPOSIT_DAY = re.compile(rf"(?:定金|订金)[^\d¥￥]{{0,8}}{_DATE}")


def presale_from(text: str) -> Promotion | None:
    """The presale terms one phrase states ("定金¥100 可抵¥150 尾款¥5849"), or None.

    A deposit is never a price: it is recorded here, with what it is worth and the
    balance, so the in-hand price can be computed. A phrase whose parts contradict each
    other (worth below the deposit, a deposit above the presale price) states nothing.
    """
    match = _DEPOSIT.search(text)
    deposit = _money(match, 1) if match else None
    if match is None or deposit is None:
        return None
    rest = text[match.end() :]
    value: dict[str, Any] = {"deposit": deposit}
    if (worth := _WORTH.match(rest)) and (stated := _money(worth, 1)):
        if Decimal(stated) < Decimal(deposit):
            return None
        value["worth"] = stated
    elif (cut := _REDUCTION.match(rest)) and (stated := _money(cut, 1)):
        value["reduction"] = stated
    else:
        value["worth"] = deposit
    extra: dict[str, str] = {}
    for key, pattern in (("balance", _BALANCE), ("presale_price", _PRESALE_PRICE)):
        if (found := pattern.search(text)) and (stated := _money(found, 1)):
            extra[key] = stated
    price = extra.get("presale_price")
    if price is not None and Decimal(deposit) > Decimal(price):
        return None
    value.update(_presale_dates(text))
    return offer("presale", value, **extra)


def _presale_dates(text: str) -> dict[str, str]:
    """The deposit day and the balance window, where the page states them with a year."""
    dates: dict[str, str] = {}
    if (window := _BALANCE_WINDOW.search(text)) and (start := _when(window.group(1))):
        dates["balance_from"] = start
        if window.group(2) and (end := _when(window.group(2))) and end >= start:
            dates["balance_until"] = end
    if (day := _DEPOSIT_DAY.search(text)) and (paid := _when(day.group(1))):
        dates["deposit_at"] = paid[:10]
    return dates


def _when(text: str) -> str | None:
    """`2025年10月31日 20:00` / `2025-10-31 20:00` as the cart's `2025-10-31T20:00`."""
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    year, month, day, hour, minute = [*numbers, 0, 0][:5]
    try:
        stamp = datetime(year, month, day, hour, minute)
    except ValueError:
        return None
    return stamp.isoformat(timespec="minutes")


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
