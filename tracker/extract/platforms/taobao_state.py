"""Taobao/Tmall price models: the mobile page state and the price services' replies.

Three shapes carry a real price, all in CNY:
- the price model of detail.m.tmall.com / main.m.taobao.com (`_DATA_Mdskip`, or the JSON
  string in `_DATA_Detail.apiStack[].value`): `price.price.priceText` with `priceTitle`
  (活动价, 券后), `price.extraPrices[]` where `lineThrough` marks a struck price, and per
  SKU `skuCore.sku2info[sku].price` (`priceMoney` is in fen). `_DATA_Detail.mock` is the
  static pre-promotion model and never gives the price;
- the older model `defaultModel.itemPriceResultDO.priceInfo[sku|"def"]` with `price`
  (the reserve price) and a `promotionList` of `{type, price, startTime, endTime}`;
- Taobao's price service (`detailskip ... sib.htm`): `data.price`,
  `data.originalPrice.def.price`, `data.promotion.promoData.def[]`.
A range (`139.00-169.00`) over SKUs is no price unless the URL names the SKU; a deposit
(定金) is never the price.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from tracker.extract import promotions as promo
from tracker.extract.model import Candidate
from tracker.extract.pricetext import parse_machine_amount, parse_price_text
from tracker.extract.scriptstate import walk_dicts

SOURCE = "taobao"
RANGE_NOTE = "only a price range over several SKUs, and the URL names no SKU"
DEPOSIT_NOTE = "presale: the page states a deposit (定金), not the price"

Priced = tuple[list[Candidate], list[promo.Promotion], str | None]
"""Candidates, the promotions beside them, and why there is no price (or None)."""


def price_models(states: dict[str, Any]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The dynamic price blocks in the page's states, each with the model that holds it.

    A block is a dict whose `price` is `{priceText, priceTitle}` (`price` of the mdskip
    model, `componentsVO.priceVO` of newer H5 pages); its model also holds the SKUs.
    """
    roots = [*_api_stacks(states), *states.items()]
    out = []
    for name, root in roots:
        for path, obj in walk_dicts(root):
            if "mock" in path or "mockData" in path:
                continue
            head = obj.get("price")
            if isinstance(head, dict) and "priceText" in head and isinstance(root, dict):
                out.append((".".join((name, *path)), obj, root))
                break
    return out


def _api_stacks(states: dict[str, Any]) -> list[tuple[str, Any]]:
    """The dynamic models in `apiStack[].value`, decoded from their JSON strings.

    `_DATA_Detail` carries one, and so does the mtop detail reply (`mtop.taobao.detail.
    getdetail`: `data.apiStack`), whose `mockData` string is the static model and stays
    unread.
    """
    out: list[tuple[str, Any]] = []
    for name, root in states.items():
        for path, obj in walk_dicts(root):
            stack = obj.get("apiStack")
            for entry in stack if isinstance(stack, list) else []:
                value = entry.get("value") if isinstance(entry, dict) else None
                if isinstance(value, str):
                    try:
                        value = json.loads(value, strict=False)
                    except (ValueError, RecursionError):  # malformed, too deep, huge integer
                        continue
                out.append((".".join((name, *path, "apiStack")), value))
    return out


def from_model(
    where: str, block: dict[str, Any], model: dict[str, Any], sku: str | None, shop: str | None
) -> Priced:
    """The price a mobile price block states, for the URL's SKU or for the item."""
    promotions = _model_promotions(model, block, shop)
    # `extraPrices` (a list) on Tmall, a single `extraPrice` on newer Taobao H5 pages.
    extras = (
        block.get("extraPrices") or block.get("newExtraPrices") or block.get("extraPrice") or []
    )
    lists = [
        c
        for extra in (extras if isinstance(extras, list) else [extras])
        if isinstance(extra, dict) and str(extra.get("lineThrough")).lower() == "true"
        for c in _text_candidate(extra, f"{where}.extraPrices", "list")
    ]
    if sku:
        for _, obj in walk_dicts(model):
            info = (obj.get("sku2info") or {}).get(sku) if "sku2info" in obj else None
            if isinstance(info, dict) and isinstance(info.get("price"), dict):
                found = _text_candidate(info["price"], f"sku2info[{sku}]", "price")
                if found:
                    return found + lists, promotions, None
    head = block["price"]
    title = str(head.get("priceTitle") or "")
    if "定金" in title or "订金" in title:
        return [], promotions, DEPOSIT_NOTE
    found = _text_candidate(head, f"{where}.price", "price")
    if not found:
        parsed = parse_price_text(str(head.get("priceText") or ""), "CNY")
        return [], promotions, RANGE_NOTE if parsed and parsed.is_from else None
    return found + lists, promotions, None


def _text_candidate(obj: dict[str, Any], where: str, kind: str) -> list[Candidate]:
    """One candidate from `{priceText, priceTitle, priceMoney}`; a range gives none."""
    text = str(obj.get("priceText") or "").strip()
    parsed = parse_price_text(text, "CNY") if text else None
    if parsed is None or parsed.is_from:
        cents = obj.get("priceMoney")
        if text or not isinstance(cents, int) or cents <= 0:
            return []
        yuan = (Decimal(cents) / 100).quantize(Decimal("0.01"))
        return [Candidate(yuan, "CNY", SOURCE, f"{where} priceMoney={cents} (fen)")]
    label = obj.get("priceTitle") or ""
    evidence = f'{where} priceText="{text}" {label}'.strip()
    return [Candidate(parsed.amount, "CNY", SOURCE, evidence, kind)]  # type: ignore[arg-type]


def _model_promotions(
    model: dict[str, Any], block: dict[str, Any], shop: str | None
) -> list[promo.Promotion]:
    texts: list[tuple[str, bool]] = []
    for item in block.get("shopProm") or []:
        if isinstance(item, dict):
            content = item.get("content")
            lines = content if isinstance(content, list) else [item.get("title")]
            texts += [(str(line), False) for line in lines if line]
    coupon = (model.get("resource") or {}).get("coupon") or {}
    for _, obj in walk_dicts(coupon):
        for key in ("title", "text", "couponText"):
            if isinstance(obj.get(key), str):
                texts.append((obj[key], True))
    out: list[promo.Promotion] = []
    for text, is_coupon in texts:
        out += promo.from_text(text, "tmall", shop, claimed=True if is_coupon else None)
    return out


def from_price_info(where: str, info_root: dict[str, Any], sku: str | None) -> Priced:
    """The older `itemPriceResultDO.priceInfo`: per SKU reserve price and promotionList."""
    infos = info_root.get("priceInfo") or {}
    if not isinstance(infos, dict) or not infos:
        return [], [], None
    key = sku if sku in infos else "def" if "def" in infos else None
    chosen = [key] if key else list(infos)
    per_sku = [_one_price_info(f"{where}.priceInfo[{k}]", infos[k]) for k in chosen]
    prices = {c[0].price for c, _ in per_sku if c}
    if len(prices) != 1:
        return [], [], RANGE_NOTE if len(prices) > 1 else None
    candidates, promotions = per_sku[0]
    return candidates, promotions, None


def _one_price_info(where: str, info: Any) -> tuple[list[Candidate], list[promo.Promotion]]:
    if not isinstance(info, dict):
        return [], []
    reserve = parse_machine_amount(info.get("price"))
    active = [p for p in info.get("promotionList") or [] if isinstance(p, dict)]
    promotions: list[promo.Promotion] = []
    if active:
        first = active[0]
        amount = parse_machine_amount(first.get("price"))
        if amount is None:
            return [], []
        evidence = f'{where}.promotionList[0] {first.get("type") or ""} price="{first["price"]}"'
        out = [Candidate(amount, "CNY", SOURCE, evidence)]
        if reserve is not None and reserve > amount:
            out.append(Candidate(reserve, "CNY", SOURCE, f"{where}.price (reserve)", "list"))
        return out, promotions
    if reserve is None:
        return [], []
    return [Candidate(reserve, "CNY", SOURCE, f'{where}.price="{info["price"]}"')], promotions


def from_sib(reply: dict[str, Any], shop: str | None) -> Priced:
    """Taobao's price service reply (`sib.htm`): promotion price, else the price."""
    data = reply.get("data") if isinstance(reply.get("data"), dict) else None
    if data is None or not any(k in data for k in ("price", "promotion", "originalPrice")):
        return [], [], None
    original = ((data.get("originalPrice") or {}).get("def") or {}).get("price")
    promo_data = ((data.get("promotion") or {}).get("promoData") or {}).get("def") or []
    promotions: list[promo.Promotion] = []
    for entry in promo_data if isinstance(promo_data, list) else []:
        for text in (entry.get("type"), entry.get("promText"), entry.get("limitProm")):
            if isinstance(text, str):
                promotions += promo.from_text(text, "taobao", shop)
    sell = next(
        (e.get("price") for e in promo_data if isinstance(e, dict) and e.get("price")),
        data.get("price") or original,
    )
    parsed = parse_price_text(str(sell or ""), "CNY")
    if parsed is None:
        return [], promotions, None
    if parsed.is_from:
        return [], promotions, RANGE_NOTE
    out = [Candidate(parsed.amount, "CNY", SOURCE, f'sib.htm data price "{sell}"')]
    listed = parse_price_text(str(original or ""), "CNY")
    if listed and not listed.is_from and listed.amount > parsed.amount:
        out.append(Candidate(listed.amount, "CNY", SOURCE, "sib.htm originalPrice.def", "list"))
    return out, promotions, None
