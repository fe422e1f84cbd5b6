"""JD's promotion service (`cd.jd.com/promotion/v2`, `wareBusiness`): coupons and tags.

The reply lists shop coupons as `skuCoupon: [{"quota": 199, "discount": 20, "beginTime",
"endTime"}]` (满199减20, to claim: 领券) and promotion tags as `prom.pickOneTag` / `tags`
entries `{"name": "满减", "content": "满199元减20元"}`; 限购, 跨店满减 and PLUS tags come the
same way. The tags' words are read by `tracker.extract.promotions`; the coupons' numbers
are taken as stated.
"""

from __future__ import annotations

from typing import Any

from tracker.extract import promotions as promo
from tracker.extract.page import Page
from tracker.extract.scriptstate import payload, state_after, walk_dicts

PLATFORM = "jd"
_TAG_LISTS = ("pickOneTag", "tags", "activity", "promotionTags")


def promotions_of(page: Page) -> list[promo.Promotion]:
    """The promotions in a JD promotion reply (the input, or a state inlined in the page)."""
    state = payload(page)
    if state is None:
        state = state_after(page, "promotionInfo") or state_after(page, "window.promInfo")
    if not isinstance(state, dict | list):
        return []
    out: list[promo.Promotion] = []
    for path, obj in walk_dicts(state):
        key = path[-1] if path else ""
        if key in ("skuCoupon", "couponList", "coupons"):
            out += _coupon(obj)
        elif key in _TAG_LISTS:
            out += _tag(obj)
    return out


def _coupon(coupon: dict[str, Any]) -> list[promo.Promotion]:
    over = promo.amount(coupon.get("quota")) or ("0" if coupon.get("quota") in (0, "0") else None)
    off = promo.amount(coupon.get("discount"))
    if over is None or off is None or (over != "0" and float(off) >= float(over)):
        return []
    item: promo.Promotion = {
        "applies_to": "order",
        "kind": "threshold",
        "platform": PLATFORM,
        "scope": "shop" if coupon.get("shopId") or coupon.get("venderId") else "platform",
        "coupon": True,
        "uses": 1,
        "tiers": [[over, off]],
        "claimed": not coupon.get("hasReceived", coupon.get("owned", False)),
        "source_text": coupon.get("name") or f"满{over}减{off}",
    }
    if shop := coupon.get("shopName"):
        item["shop"] = str(shop)
    for key, field in (("beginTime", "valid_from"), ("endTime", "valid_until")):
        if stamp := promo.moment(coupon.get(key)):
            item[field] = stamp
    return [item]


def _tag(tag: dict[str, Any]) -> list[promo.Promotion]:
    name = str(tag.get("name") or tag.get("text") or "")
    content = tag.get("content") or tag.get("value") or ""
    if not isinstance(content, str) or not content.strip():
        return []
    return promo.from_text(f"{name} {content}".strip(), PLATFORM)
