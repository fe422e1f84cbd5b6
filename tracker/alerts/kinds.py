"""Every alert rule kind daoshou knows, in one table built here.

A kind is a class with the `RuleKind` contract (`rules.py`); adding one is writing the
class and adding one line to `_BUILT_IN`. Nothing registers itself by being imported, so
what the engine and `daoshou alerts add` accept can be read here, and a test may lend the
table a kind of its own (`monkeypatch.setitem(KINDS, ...)`).
"""

from __future__ import annotations

from tracker.alerts.protection import PriceProtectionKind
from tracker.alerts.rules import DropKind, InStockKind, LowestKind, RuleKind, TargetKind
from tracker.errors import AlertError

_BUILT_IN: tuple[RuleKind, ...] = (
    TargetKind(),
    DropKind(),
    LowestKind(),
    InStockKind(),
    PriceProtectionKind(),
)
KINDS: dict[str, RuleKind] = {kind.name: kind for kind in _BUILT_IN}


def rule_kind(name: str) -> RuleKind:
    """The kind called `name`; AlertError for an unknown kind."""
    try:
        return KINDS[name]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise AlertError(
            f"unknown alert rule kind {name!r}",
            f"use one of: {known}",
            zh=(f"未知的提醒规则类型 {name!r}", f"可用：{known}"),
        ) from None


def kind_names() -> list[str]:
    """The names of every kind."""
    return sorted(KINDS)
