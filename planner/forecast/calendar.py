"""The sale-event calendar: which sales happen on which days, on which platforms.

Sales are data (`data/events.toml`, plus an optional user file of the same layout), not
code, because the dates move every year and users know their own shops' sales. The
calendar expands each recurring event into dated `Occurrence`s for 2016-2040 and answers
the two questions the forecaster asks: "which sales does this platform have?" and "which
day does the user mean by `11.11` / `2026-11-11` / `double11`?".
"""

from __future__ import annotations

import calendar as _cal
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from planner.causes import cause_words
from planner.errors import ForecastError
from planner.local_file import read_local_file
from planner.shipped import shipped_file

FIRST_YEAR = 2016
LAST_YEAR = 2040
NEAR_DAYS = 3
WINDOW_KINDS = ("sale", "presale", "deposit", "final_payment")


@dataclass(frozen=True)
class Window:
    """Days relative to the main day (inclusive) when a phase of the sale runs."""

    kind: str  # sale | presale | deposit | final_payment
    start: int
    end: int


@dataclass(frozen=True)
class Occurrence:
    """One dated instance of a sale on one platform, e.g. Double 11 2026 on Tmall."""

    key: str  # "double11-2026"
    event_key: str  # "double11"
    family: str  # events with alike price effects share a family
    name_zh: str
    name_en: str
    day: date  # the main day: the day a forecast targets
    platform: str
    windows: tuple[Window, ...]

    def window(self, kind: str) -> Window | None:
        """The window of one phase, if this platform has it."""
        return next((w for w in self.windows if w.kind == kind), None)

    @property
    def sale_start(self) -> date:
        """The first day sale prices apply (the main day when no window says otherwise)."""
        sale = self.window("sale")
        return self.day + timedelta(days=sale.start if sale else 0)


@dataclass(frozen=True)
class _EventSpec:
    key: str
    family: str
    name_zh: str
    name_en: str
    days: Mapping[int, date]
    windows: Mapping[str, tuple[Window, ...]]  # platform or "*" -> windows


@dataclass(frozen=True)
class Calendar:
    """Every known sale, expanded by year, queryable per platform."""

    events: tuple[_EventSpec, ...]

    def occurrences(
        self, platform: str | None, start: date | None = None, end: date | None = None
    ) -> list[Occurrence]:
        """The sales on `platform` (None: every platform, once each) between two days."""
        found: list[Occurrence] = []
        for spec in self.events:
            for plat, windows in _platform_windows(spec, platform):
                for year, day in spec.days.items():
                    if (start and day < start) or (end and day > end):
                        continue
                    found.append(
                        Occurrence(
                            key=f"{spec.key}-{year}",
                            event_key=spec.key,
                            family=spec.family,
                            name_zh=spec.name_zh,
                            name_en=spec.name_en,
                            day=day,
                            platform=plat,
                            windows=windows,
                        )
                    )
        return _one_per_day(sorted(found, key=lambda o: (o.day, o.key)))

    def platforms(self) -> set[str]:
        """Every platform some event names explicitly."""
        return {p for spec in self.events for p in spec.windows if p != "*"}

    def resolve(self, spec: str, platform: str | None, today: date) -> Occurrence:
        """The occurrence the user means: `M.D` (next one), `YYYY-MM-DD`, or an event key."""
        text = spec.strip()
        target = _parse_day(text, today)
        upcoming = self.occurrences(platform, start=today)
        if target is not None:
            return self._on_day(target, platform)
        lowered = text.lower()
        for occ in upcoming:
            if lowered in (occ.event_key.lower(), occ.key.lower(), occ.name_en.lower()):
                return occ
            if text == occ.name_zh:
                return occ
        raise ForecastError(
            f"unknown sale event {spec!r}",
            "give the day as M.D (e.g. 11.11) or YYYY-MM-DD, or an event key from the calendar",
            zh=(
                f"未知的大促 {spec!r}",
                "日期写成 M.D（如 11.11）或 YYYY-MM-DD，或用日历中的活动键",
            ),
        )

    def _on_day(self, day: date, platform: str | None) -> Occurrence:
        """The sale on `day`; a sale a few days off counts as that sale moved to `day`
        (sales shift by a day or two between years and shops), else an ad-hoc day."""
        near = self.occurrences(
            platform, day - timedelta(days=NEAR_DAYS), day + timedelta(days=NEAR_DAYS)
        )
        if not near:
            return _ad_hoc(day, platform)
        closest = min(near, key=lambda occ: abs((occ.day - day).days))
        return closest if closest.day == day else replace(closest, day=day)


def load_calendar(user_file: Path | None = None) -> Calendar:
    """The shipped calendar, plus the events of `user_file` (same layout) when given."""
    events = list(_read_events(shipped_file("events.toml")))
    if user_file is not None:
        events.extend(_read_events(user_file))
    return Calendar(events=tuple(events))


def _read_events(path: Path) -> Iterable[_EventSpec]:
    body = read_local_file(
        path, ForecastError, "give an events TOML file", hint_zh="给出活动 TOML 文件"
    )
    try:
        data = tomllib.loads(body.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ForecastError(
            f"event file {path} is not valid TOML: {exc}",
            "fix the file's syntax",
            zh=(f"活动文件 {path} 不是有效的 TOML：{cause_words(exc)[1]}", "修正文件语法"),
        ) from exc
    lunar = {int(y): date.fromisoformat(d) for y, d in _shipped_lunar().items()}
    for index, raw in enumerate(data.get("event", []), start=1):
        try:
            yield _parse_event(raw, lunar)
        except (KeyError, ValueError, TypeError) as exc:
            raise ForecastError(
                f"event file {path}: event #{index} ({raw.get('key', '?')}) is invalid: {exc}",
                "see data/events.toml for the layout",
                zh=(
                    f"活动文件 {path}：第 {index} 个活动（{raw.get('key', '?')}）无效：{exc}",
                    "格式见 data/events.toml",
                ),
            ) from exc


def _shipped_lunar() -> dict[str, str]:
    data = tomllib.loads(shipped_file("events.toml").read_text(encoding="utf-8"))
    return {str(year): str(day) for year, day in data["lunar_new_year"].items()}


def _parse_event(raw: dict[str, Any], lunar: Mapping[int, date]) -> _EventSpec:
    key = str(raw["key"])
    first, last = raw.get("years", [FIRST_YEAR, LAST_YEAR])
    explicit = {int(y): date.fromisoformat(str(d)) for y, d in raw.get("dates", {}).items()}
    days: dict[int, date] = {}
    for year in range(int(first), int(last) + 1):
        day = explicit.get(year) or _rule_day(raw, year, lunar)
        if day is not None:
            days[year] = day
    windows: dict[str, tuple[Window, ...]] = {}
    for raw_window in raw.get("window", []):
        spans = tuple(
            Window(kind, int(raw_window[kind][0]), int(raw_window[kind][1]))
            for kind in WINDOW_KINDS
            if kind in raw_window
        )
        for platform in raw_window["platforms"]:
            windows[str(platform).lower()] = spans
    if not windows:
        windows["*"] = (Window("sale", 0, 0),)
    return _EventSpec(
        key=key,
        family=str(raw.get("family", key)),
        name_zh=str(raw.get("name_zh", key)),
        name_en=str(raw.get("name_en", key)),
        days=days,
        windows=windows,
    )


def _rule_day(raw: Mapping[str, Any], year: int, lunar: Mapping[int, date]) -> date | None:
    if "date" in raw:
        month, day = (int(part) for part in str(raw["date"]).split("-"))
        return date(year, month, day)
    if "lunar" in raw:
        base = lunar.get(year)
        return base + timedelta(days=int(raw["lunar"])) if base else None
    if "weekday" in raw:
        return _nth_weekday(year, int(raw["month"]), int(raw["weekday"]), int(raw["nth"])) + (
            timedelta(days=int(raw.get("offset", 0)))
        )
    if "dates" in raw:
        return None
    raise ValueError("needs `date`, `lunar`, a weekday rule, or `dates`")


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The nth given weekday of a month (nth = -1: the last one)."""
    days = [
        date(year, month, d)
        for d in range(1, _cal.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return days[nth - 1] if nth > 0 else days[nth]


def _platform_windows(
    spec: _EventSpec, platform: str | None
) -> list[tuple[str, tuple[Window, ...]]]:
    if platform is None:
        first = next(iter(spec.windows.items()))
        return [("*", first[1])]
    platform = platform.lower()
    if platform in spec.windows:
        return [(platform, spec.windows[platform])]
    if "*" in spec.windows:
        return [(platform, spec.windows["*"])]
    return []


def _one_per_day(occurrences: list[Occurrence]) -> list[Occurrence]:
    """Keep the first event of each day: two sales on one day are one price outcome."""
    seen: set[date] = set()
    kept = []
    for occ in occurrences:
        if occ.day not in seen:
            seen.add(occ.day)
            kept.append(occ)
    return kept


def _parse_day(text: str, today: date) -> date | None:
    """`YYYY-MM-DD`, or `M.D` meaning its next occurrence on or after today."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    month, day = int(parts[0]), int(parts[1])
    try:
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError as exc:
        raise ForecastError(
            f"{text!r} is not a day of the year",
            "give it as M.D",
            zh=(f"{text!r} 不是一年中的某一天", "写成 M.D"),
        ) from exc


def _ad_hoc(day: date, platform: str | None) -> Occurrence:
    """A day the calendar does not know: forecast it as a plain one-day sale."""
    return Occurrence(
        key=f"day-{day.isoformat()}",
        event_key="day",
        family="day",
        name_zh=day.isoformat(),
        name_en=day.isoformat(),
        day=day,
        platform=platform or "*",
        windows=(Window("sale", 0, 0),),
    )
