"""Price protection (价保): per-platform windows and the rule kind that watches a purchase.

After the user records a purchase, a price below what they paid inside the platform's
protection window is money they can claim back. The windows ship in
`data/price_protection.toml`; a file of the same name in the user's config directory
overrides them platform by platform, so a user can follow their shops' real terms.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.causes import cause_words
from planner.money import format_money
from planner.shipped import shipped_file
from tracker import locations
from tracker.alerts import history
from tracker.alerts.rules import RuleContext, Trigger, decimal_param
from tracker.errors import AlertError
from tracker.settings import Language


def user_windows_file() -> Path:
    """Where the user's own windows live (it need not exist)."""
    return locations.price_protection_file()


def shipped_windows_file() -> Path:
    """The windows daoshou ships with."""
    return shipped_file(locations.PRICE_PROTECTION_NAME)


def protection_windows() -> dict[str, int]:
    """Days of price protection per platform: shipped defaults, then the user's overrides."""
    windows = _read_windows(shipped_windows_file())
    user_file = user_windows_file()
    if user_file.exists():
        windows.update(_read_windows(user_file))
    return windows


def _read_windows(path: Path) -> dict[str, int]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise AlertError(
            f"cannot read price protection windows from {path}: {exc}",
            "fix the file or delete it to use the shipped defaults",
            zh=(
                f"无法读取价保期限文件 {path}：{cause_words(exc)[1]}",
                "修正该文件，或删除它以使用自带的默认值",
            ),
        ) from exc
    table = data.get("windows", {})
    if not isinstance(table, dict):
        raise AlertError(
            f"{path}: [windows] must be a table",
            "e.g. [windows] then jd = 30",
            zh=(f"{path}：[windows] 必须是一个表", "例如 [windows] 下写 jd = 30"),
        )
    windows: dict[str, int] = {}
    for platform, days in table.items():
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise AlertError(
                f"{path}: window for {platform!r} must be a whole number of days, got {days!r}",
                "e.g. jd = 30",
                zh=(f"{path}：{platform!r} 的价保期限必须是整数天，现为 {days!r}", "例如 jd = 30"),
            )
        windows[str(platform)] = days
    return windows


def claim_deadline(bought_on: date, platform: str) -> date | None:
    """The last day a drop can be claimed for a purchase, None without protection."""
    days = protection_windows().get(platform, 0)
    return bought_on + timedelta(days=days) if days > 0 else None


class PriceProtectionKind:
    """A price below what the user paid, inside the protection window: claim the difference.

    It fires once per new low since the rule began watching (`watch_from`: when the
    purchase was recorded, which may be days after the purchase), so the user hears about
    every increase of the claimable amount but not about the same drop on each check, and
    a drop that happened before `daoshou bought` was run still alerts at the next check.
    """

    name = "price_protection"
    needs_price = True

    def parse_params(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        try:
            bought_at = datetime.fromisoformat(str(raw["bought_at"]))
            watch_from = datetime.fromisoformat(str(raw.get("watch_from") or bought_at))
            deadline = date.fromisoformat(str(raw["deadline"]))
            purchase_id = int(raw["purchase_id"])
            quantity = int(raw.get("quantity") or 1)
        except (KeyError, ValueError, TypeError) as exc:
            raise AlertError(
                f"price protection rule parameters are incomplete: {exc}",
                "record purchases with daoshou bought ID --price P --date D",
                zh=(
                    f"价保规则的参数不完整：{exc}",
                    "用 daoshou bought 编号 --price 价格 --date 日期 记录购买",
                ),
            ) from exc
        return {
            "purchase_id": purchase_id,
            "paid": str(decimal_param(raw, "paid")),
            "currency": str(raw.get("currency") or "CNY"),
            "quantity": max(quantity, 1),
            "bought_at": bought_at.isoformat(),
            "watch_from": max(watch_from, bought_at).isoformat(),
            "deadline": deadline.isoformat(),
        }

    def evaluate(self, ctx: RuleContext) -> Trigger | None:
        obs, params = ctx.observation, ctx.params
        paid, deadline = Decimal(params["paid"]), date.fromisoformat(params["deadline"])
        if obs.price is None or obs.is_from_price or obs.currency != params["currency"]:
            return None
        if obs.price >= paid or obs.observed_at.astimezone().date() > deadline:
            return None
        since = datetime.fromisoformat(params["watch_from"])
        earlier = history.prices_between(ctx.session, obs, since)
        if earlier and obs.price >= min(earlier):
            return None  # not lower than a drop already reported by this rule
        claim = (paid - obs.price) * int(params["quantity"])
        facts = {"claim": str(claim), "deadline": params["deadline"]}
        return Trigger(f"claim-{obs.price}", obs.price, paid, params["currency"], facts)

    def describe(self, params: Mapping[str, Any], trigger: Trigger, lang: Language) -> str:
        claim = format_money(Decimal(trigger.facts["claim"]), params["currency"])
        deadline = trigger.facts["deadline"]
        if lang == "zh":
            return f"价保：可申请退差价 {claim}，截止 {deadline}"
        return f"price protection: claim {claim} back by {deadline}"
