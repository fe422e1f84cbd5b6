"""The user's settings: one TOML file, `settings.toml` in `locations.config_dir()`.

Every field has a default, so the file is optional and may hold only what the user
changes. An example with every field (`daoshou` never writes this file itself):

    [checks]
    interval_minutes = 240      # how often each listing is checked (per-listing override
                                # with `daoshou add --interval`)
    jitter_minutes = 30         # random delay added to each next check (at most a quarter
                                # of the interval), so checks do not hit a shop together
    claim_seconds = 600.0       # a check `daoshou run` took but never stored is due again
                                # after this long (the taker was killed, or hung)

    [fetch]
    user_agent = "my-tracker/1.0"  # default: daoshou's own, naming its version
    min_delay_seconds = 2.0     # between two requests to one host
    platform_min_delay_seconds = 10.0  # on JD, Tmall, Taobao, Pinduoduo and Douyin hosts,
                                # whose pages are read through the signed-in browser
    timeout_seconds = 20.0
    max_concurrency = 8         # requests in flight, all hosts together (`daoshou run`
                                # keeps twice this many checks under way; on PostgreSQL
                                # their requests at their hosts' turns take no slot here)
    per_host_concurrency = 2
    turn_window_seconds = 0.05  # `daoshou run` on PostgreSQL: how late a request may
                                # leave after its turn at a host shared with the other
                                # services (turns are the delay plus twice this apart;
                                # a later request takes another turn)

    [hosts."shop.example.com"]  # per-host overrides
    robots = false              # ignore robots.txt on this host (default: respected)
    min_delay_seconds = 5.0

    [browser]
    mode = "off"                # off | auto (when a page needs JavaScript) | always
    chromium_path = "/usr/bin/chromium"   # default: found on PATH

    [ui]
    language = "auto"           # zh | en | auto (from the locale)

    [alerts]
    retry_base_seconds = 30.0   # first retry of a failed alert delivery; doubles, max 1 h
    plan_change_percent = 1.0   # a saved cart's re-planned total must move more than this
                                # (or an item move to another offer) to say "plan changed"

Cookies are not settings: they live in their own owner-only file (`tracker.fetch.cookies`).
A malformed file is a `SettingsError` naming the file, the field and the fix.
"""

from __future__ import annotations

import locale
import os
import tomllib
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from planner.causes import cause_words
from tracker import locations
from tracker.errors import SettingsError
from tracker.platforms import detect_platform

BROWSER_MODES = ("off", "auto", "always")
LANGUAGES = ("auto", "zh", "en")
#: The two languages daoshou speaks (messages, the app, the budget sheet).
Language = Literal["zh", "en"]
#: Environment variable that forces the language whatever the locale says.
LANGUAGE_ENV = "DAOSHOU_LANG"


@dataclass(frozen=True)
class HostSettings:
    """Overrides for one host; None means "use the global value"."""

    robots: bool = True
    min_delay_seconds: float | None = None


@dataclass(frozen=True)
class Settings:
    """Every user setting, with its default."""

    interval_minutes: int = 240
    jitter_minutes: int = 30
    claim_seconds: float = 600.0  # a dispatched check not stored by then is due again
    user_agent: str | None = None  # None: the fetcher's default, naming daoshou's version
    min_delay_seconds: float = 2.0
    platform_min_delay_seconds: float = 10.0
    timeout_seconds: float = 20.0
    max_concurrency: int = 8
    per_host_concurrency: int = 2
    turn_window_seconds: float = 0.05  # see `tracker.fetch.turns`
    hosts: dict[str, HostSettings] = field(default_factory=dict)
    browser_mode: str = "off"
    chromium_path: str | None = None
    language: str = "auto"
    alert_retry_base_seconds: float = 30.0
    plan_change_percent: float = 1.0

    def host(self, hostname: str) -> HostSettings:
        """The overrides for `hostname` (exact host, else its parent domains), or none."""
        name = hostname.lower().rstrip(".")
        while name:
            if name in self.hosts:
                return self.hosts[name]
            name = name.partition(".")[2]
        return HostSettings()

    def respects_robots(self, hostname: str) -> bool:
        """Whether robots.txt applies on `hostname` (yes unless the user turned it off)."""
        return self.host(hostname).robots

    def interval_of(self, listing_minutes: int | None) -> timedelta:
        """How often a listing is checked: its own interval, else the global one."""
        return timedelta(minutes=listing_minutes or self.interval_minutes)

    def min_delay_for(self, hostname: str) -> float:
        """Seconds between two requests to `hostname`: the host's own setting, else the
        global one, raised to the platform delay on the big platforms' hosts (a signed-in
        shopper opens a product page every few seconds, not several a second)."""
        override = self.host(hostname).min_delay_seconds
        if override is not None:
            return override
        if detect_platform(f"https://{hostname}/") != "web":
            return max(self.min_delay_seconds, self.platform_min_delay_seconds)
        return self.min_delay_seconds

    def resolved_language(self) -> Language:
        """zh or en: the setting, or for "auto" the environment (`locale_language`)."""
        return (
            "zh" if self.language == "zh" else "en" if self.language == "en" else locale_language()
        )


def locale_language() -> Language:
    """`DAOSHOU_LANG` if set, else Chinese for a zh locale (LC_ALL, LC_MESSAGES, LANG,
    LANGUAGE, then the process locale), else English."""
    forced = os.environ.get(LANGUAGE_ENV, "").strip().lower()
    if forced.startswith(("zh", "en")):
        return "zh" if forced.startswith("zh") else "en"
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(variable, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    current = locale.getlocale()[0] or ""
    return "zh" if current.lower().startswith(("zh", "chinese")) else "en"


def resolve_language(choice: str | None = None) -> Language:
    """The one language resolver: an explicit `zh` / `en` wins; anything else (`auto`,
    empty) follows the user's settings file, whose "auto" follows the environment."""
    chosen = (choice or "").strip().lower()
    if chosen in ("zh", "en"):
        return "zh" if chosen == "zh" else "en"
    return load_settings().resolved_language()


# (table, key) in the file -> (field name, type, check, what a valid value looks like)
_FIELDS: dict[tuple[str, str], tuple[str, type, Any, str]] = {
    ("checks", "interval_minutes"): ("interval_minutes", int, lambda v: v >= 1, "minutes >= 1"),
    ("checks", "jitter_minutes"): ("jitter_minutes", int, lambda v: v >= 0, "minutes >= 0"),
    ("checks", "claim_seconds"): ("claim_seconds", float, lambda v: v >= 5, "seconds >= 5"),
    ("fetch", "user_agent"): ("user_agent", str, lambda v: bool(v.strip()), "a non-empty text"),
    ("fetch", "min_delay_seconds"): ("min_delay_seconds", float, lambda v: v >= 0, "seconds >= 0"),
    ("fetch", "platform_min_delay_seconds"): (
        "platform_min_delay_seconds",
        float,
        lambda v: v >= 0,
        "seconds >= 0",
    ),
    ("fetch", "timeout_seconds"): ("timeout_seconds", float, lambda v: v > 0, "seconds > 0"),
    ("fetch", "max_concurrency"): ("max_concurrency", int, lambda v: v >= 1, "a number >= 1"),
    ("fetch", "per_host_concurrency"): (
        "per_host_concurrency",
        int,
        lambda v: v >= 1,
        "a number >= 1",
    ),
    ("fetch", "turn_window_seconds"): (
        "turn_window_seconds",
        float,
        lambda v: v > 0,
        "seconds > 0",
    ),
    ("browser", "mode"): ("browser_mode", str, lambda v: v in BROWSER_MODES, "off, auto or always"),
    ("browser", "chromium_path"): ("chromium_path", str, lambda v: bool(v), "a file path"),
    ("ui", "language"): ("language", str, lambda v: v in LANGUAGES, "zh, en or auto"),
    ("alerts", "plan_change_percent"): (
        "plan_change_percent",
        float,
        lambda v: v >= 0,
        "a percentage >= 0",
    ),
    ("alerts", "retry_base_seconds"): (
        "alert_retry_base_seconds",
        float,
        lambda v: v >= 0,
        "seconds >= 0",
    ),
}


def settings_path() -> Path:
    """Where the settings file is (it may not exist)."""
    return locations.settings_file()


def load_settings(path: Path | None = None) -> Settings:
    """The user's settings: defaults overridden by the file, if there is one."""
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise SettingsError(
            f"cannot read settings file {path}: {exc}",
            "fix the TOML syntax or delete the file",
            zh=(f"无法读取设置文件 {path}：{cause_words(exc)[1]}", "修正 TOML 语法或删除该文件"),
        ) from exc
    return parse_settings(document, path)


def parse_settings(document: dict[str, Any], path: Path) -> Settings:
    """Settings from a parsed TOML document; `path` is only named in errors."""
    values: dict[str, Any] = {}
    for table, content in document.items():
        if table == "hosts":
            values["hosts"] = _parse_hosts(content, path)
            continue
        if not isinstance(content, dict):
            raise _unknown(path, table)
        for key, value in content.items():
            spec = _FIELDS.get((table, key))
            if spec is None:
                raise _unknown(path, f"{table}.{key}")
            values[spec[0]] = _checked(path, f"{table}.{key}", value, *spec[1:])
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in known})


def _parse_hosts(content: Any, path: Path) -> dict[str, HostSettings]:
    if not isinstance(content, dict):
        raise _unknown(path, "hosts")
    hosts: dict[str, HostSettings] = {}
    for host, table in content.items():
        where = f'hosts."{host}"'
        if not isinstance(table, dict) or set(table) - {"robots", "min_delay_seconds"}:
            raise SettingsError(
                f"{path}: [{where}] may only set robots and min_delay_seconds",
                "remove the other keys",
                zh=(f"{path}：[{where}] 只能设置 robots 和 min_delay_seconds", "删除其他键"),
            )
        robots = _checked(path, f"{where}.robots", table.get("robots", True), bool, None, "")
        delay = table.get("min_delay_seconds")
        if delay is not None:
            delay = _checked(
                path, f"{where}.min_delay_seconds", delay, float, lambda v: v >= 0, "seconds >= 0"
            )
        hosts[host.lower().rstrip(".")] = HostSettings(robots=robots, min_delay_seconds=delay)
    return hosts


def _checked(path: Path, name: str, value: Any, kind: type, check: Any, valid: str) -> Any:
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
    if not ok or (check is not None and not check(value)):
        expected = valid or ("true or false" if kind is bool else kind.__name__)
        raise SettingsError(
            f"{path}: {name} = {value!r} is invalid",
            f"expected {expected}",
            zh=(f"{path}：{name} = {value!r} 无效", f"应为 {expected}"),
        )
    return value


def _unknown(path: Path, name: str) -> SettingsError:
    return SettingsError(
        f"{path}: unknown setting {name}",
        "see the documented fields in tracker/settings.py",
        zh=(f"{path}：未知的设置项 {name}", "可用的设置项见 tracker/settings.py 中的说明"),
    )
