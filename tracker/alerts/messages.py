"""The one-line alert message, in Chinese and English, and which of the two a user reads.

Both languages are rendered when the event is written (the outbox stores both), so the
language can change between raising and sending without re-evaluating anything. The
product name comes from scraped or typed text: it is flattened to one printable line.
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.display import display_text
from planner.money import format_money
from tracker import platforms
from tracker.alerts.rules import Trigger
from tracker.platforms import PLATFORM_NAMES
from tracker.settings import Language

MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class Subject:
    """What an alert is about: the listing, as the message names it."""

    product_name: str
    platform: str
    url: str


def one_line(text: str, limit: int = MAX_NAME_CHARS) -> str:
    """Untrusted text as one printable line, shortened with an ellipsis past `limit`."""
    return display_text(text, limit=limit)


def platform_name(platform: str, lang: Language) -> str:
    """The platform as users call it, e.g. 京东 / JD; unknown platforms print as stored."""
    if platform in PLATFORM_NAMES:
        return platforms.platform_name(platform, lang)
    return one_line(platform, 20)


def render(subject: Subject, trigger: Trigger, rule_phrase: str, lang: Language) -> str:
    """`[daoshou] Name (JD): ¥59.90 -> ¥45.00, target ≤ ¥50.00 https://...` in `lang`."""
    name = one_line(subject.product_name)
    where = platform_name(subject.platform, lang)
    change = _change(trigger, lang)
    url = one_line(subject.url, 2000)
    if lang == "zh":
        return f"【到手】{name}（{where}）{change}，{rule_phrase} {url}"
    return f"[daoshou] {name} ({where}): {change}, {rule_phrase} {url}"


def _change(trigger: Trigger, lang: Language) -> str:
    new = trigger.new_price
    if new is None:
        return "暂无价格" if lang == "zh" else "no price yet"
    new_text = format_money(new, trigger.currency)
    if trigger.old_price is None or trigger.old_price == new:
        return f"现价 {new_text}" if lang == "zh" else f"now {new_text}"
    arrow = "→" if lang == "zh" else "->"
    return f"{format_money(trigger.old_price, trigger.currency)} {arrow} {new_text}"
