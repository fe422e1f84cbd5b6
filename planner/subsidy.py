"""Government trade-in subsidies (国补 / 以旧换新) as data: programmes by year, user-editable.

A programme grants `rate` of an item's price (the price after every other discount, which
is what the programmes' rules name as the transaction price), at most `cap` per item, only
if that price is at or below `ceiling`, and only one item per category per person. The
rate may depend on the energy-efficiency grade. The tables ship in `data/subsidies/` per
year; a file of the same name in the user's subsidies directory replaces the shipped one,
so a shopper whose province differs edits numbers, not code.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner.causes import cause_words
from planner.errors import PlanError
from planner.money import cents, parse_money, parse_rate
from planner.shipped import shipped_file

__all__ = ["SubsidyProgramme", "load_subsidies"]


@dataclass(frozen=True)
class SubsidyProgramme:
    """One subsidy programme, e.g. `cn-2025-digital`."""

    id: str
    name: str
    rate: Decimal
    cap: Decimal | None = None
    ceiling: Decimal | None = None
    grade_rates: tuple[tuple[int, Decimal], ...] = ()

    def rate_for(self, energy_grade: int | None) -> Decimal | None:
        """The rate for an item of this grade, or None if the grade is not eligible."""
        if energy_grade is None or not self.grade_rates:
            return self.rate
        return dict(self.grade_rates).get(energy_grade)

    def amount(self, price: Decimal, energy_grade: int | None) -> tuple[Decimal, str]:
        """The subsidy on one item at `price`, half-up to the cent, with the reason: the
        rate, or the note form (`planner.wording.NOTE_FORMS`) of why there is none."""
        rate = self.rate_for(energy_grade)
        if rate is None:
            return Decimal(0), "no_subsidy_grade"
        if self.ceiling is not None and price > self.ceiling:
            return Decimal(0), "no_subsidy_ceiling"
        raw = cents(price * rate)
        if self.cap is not None and raw > self.cap:
            return self.cap, f"{_percent(rate)} capped at {self.cap}"
        return raw, f"{_percent(rate)}"


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def load_subsidies(user_dir: Path | None = None) -> dict[str, SubsidyProgramme]:
    """Every programme shipped in data/subsidies, with same-named user files replacing them."""
    files = {p.name: p for p in sorted(shipped_file("subsidies").glob("*.toml"))}
    if user_dir is not None and user_dir.is_dir():
        files.update({p.name: p for p in sorted(user_dir.glob("*.toml"))})
    programmes: dict[str, SubsidyProgramme] = {}
    for path in files.values():
        programmes.update(_read(path))
    return programmes


def _read(path: Path) -> Mapping[str, SubsidyProgramme]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise PlanError(
            f"subsidy table {path} cannot be read: {exc}",
            "fix or remove the file",
            zh=(f"无法读取补贴表 {path}：{cause_words(exc)[1]}", "修正或删除该文件"),
        ) from exc
    result = {}
    for pid, table in data.get("programme", {}).items():
        try:
            result[pid] = _programme(pid, table)
        except (KeyError, ValueError, TypeError) as exc:
            raise PlanError(
                f"subsidy table {path}: programme {pid} is invalid: {exc}",
                'each programme needs rate (e.g. "15%"), optional cap, ceiling, grade_rates',
                zh=(
                    f"补贴表 {path}：项目 {pid} 无效：{exc}",
                    '每个项目需要 rate（如 "15%"），可选 cap、ceiling、grade_rates',
                ),
            ) from exc
    return result


def _programme(pid: str, table: Mapping[str, Any]) -> SubsidyProgramme:
    grades = tuple(
        sorted(
            (int(grade), parse_rate(rate)) for grade, rate in table.get("grade_rates", {}).items()
        )
    )
    return SubsidyProgramme(
        id=pid,
        name=str(table.get("name", pid)),
        rate=parse_rate(table["rate"]),
        cap=parse_money(table["cap"], "cap") if "cap" in table else None,
        ceiling=parse_money(table["ceiling"], "ceiling") if "ceiling" in table else None,
        grade_rates=grades,
    )
