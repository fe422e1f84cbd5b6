"""Each platform's stacking order and settings, read from data rather than written in code.

Platforms document how their promotions stack, and practice sometimes disagrees with the
documentation. Every such choice is a named setting in `data/platforms.toml` (where the
choice is explained) and a user file of the same shape overrides any setting, so a
shopper who sees a checkout behave differently can say so without a code change.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner.causes import cause_words
from planner.errors import PlanError
from planner.shipped import shipped_file

__all__ = ["PlatformRules", "Rulebook", "load_rulebook"]

_CHOICES: dict[str, tuple[str, ...]] = {
    "shop_thresholds": ("sequential", "parallel"),
    "cross_store_base": ("after_item", "after_shop"),
    "zero_rule": ("void", "floor", "best_feasible"),
    "instant_off_rounding": ("tiered", "cent"),
}


@dataclass(frozen=True)
class PlatformRules:
    """How one platform stacks promotions (see data/platforms.toml for each setting)."""

    name: str
    shop_thresholds: str = "sequential"
    cross_store_base: str = "after_item"
    zero_rule: str = "floor"
    instant_off_rounding: str = "cent"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rulebook:
    """All platforms' rules; unknown platforms get the `default` table."""

    platforms: Mapping[str, PlatformRules]
    default: PlatformRules

    def for_platform(self, platform: str) -> PlatformRules:
        """The rules of `platform` (by name or alias, case-insensitive)."""
        key = platform.strip().lower()
        if key in self.platforms:
            return self.platforms[key]
        for rules in self.platforms.values():
            if key in (a.lower() for a in rules.aliases):
                return rules
        return replace(self.default, name=key)

    def canonical(self, platform: str) -> str:
        """The platform's canonical name (`天猫` -> `tmall`)."""
        return self.for_platform(platform).name


def load_rulebook(user_file: Path | None = None) -> Rulebook:
    """Read the shipped platform rules, then apply `user_file`'s overrides if it exists."""
    tables = _read(shipped_file("platforms.toml"))
    if user_file is not None and user_file.is_file():
        for name, settings in _read(user_file).items():
            tables.setdefault(name, {}).update(settings)
    default = _rules("default", tables.pop("default", {}), user_file)
    platforms = {
        name.lower(): _rules(name.lower(), {**_settings(default), **values}, user_file)
        for name, values in tables.items()
    }
    return Rulebook(platforms=platforms, default=default)


def _settings(rules: PlatformRules) -> dict[str, Any]:
    return {key: getattr(rules, key) for key in _CHOICES}


def _read(path: Path) -> dict[str, dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise PlanError(
            f"platform rules {path} cannot be read: {exc}",
            "fix or remove the file",
            zh=(f"无法读取平台规则 {path}：{cause_words(exc)[1]}", "修正或删除该文件"),
        ) from exc
    for name, table in data.items():
        if not isinstance(table, dict):
            raise PlanError(
                f"platform rules {path}: {name} is not a table",
                "write [platform]",
                zh=(f"平台规则 {path}：{name} 不是一个表", "写成 [平台名]"),
            )
    return data


def _rules(name: str, values: Mapping[str, Any], source: Path | None) -> PlatformRules:
    settings: dict[str, Any] = {}
    for key, value in values.items():
        if key == "aliases":
            settings[key] = tuple(str(a) for a in value)
            continue
        if key not in _CHOICES:
            raise PlanError(
                f"platform rules: [{name}] has an unknown setting {key!r}",
                f"use one of {', '.join(_CHOICES)} (file {source or 'platforms.toml'})",
                zh=(
                    f"平台规则：[{name}] 有未知的设置 {key!r}",
                    f"用 {', '.join(_CHOICES)} 之一（文件 {source or 'platforms.toml'}）",
                ),
            )
        if value not in _CHOICES[key]:
            raise PlanError(
                f"platform rules: [{name}] {key} = {value!r} is not allowed",
                f"use one of {', '.join(_CHOICES[key])}",
                zh=(
                    f"平台规则：[{name}] {key} = {value!r} 不允许",
                    f"用 {', '.join(_CHOICES[key])} 之一",
                ),
            )
        settings[key] = value
    return PlatformRules(name=name, **settings)
