"""The budget sheet: a plan as `.xlsx` (live formulas, payment schedule, chart) or `.csv`.

The xlsx has three sheets. "Items": one row per item, its price per pack and quantity,
one column per pricing stage (presale, coupons, cross-store, subsidy...), and the in-hand
amount and per-unit cost as formulas over those cells, so a shopper who edits a price or
a discount sees the totals follow. "Payments": the cash-flow by date (deposits, final
payments) with a live total. "Summary": total, naive total, saving and budget left as
formulas, and a chart of what each item costs in hand.

Untrusted text (titles and shop names come from web pages) never becomes a formula: text
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed with `'`, in
both formats. Files are written to a temporary name and renamed into place, so a failure
never leaves a half-written sheet behind.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from planner.causes import cause_words
from planner.cost import PricedItem
from planner.display import sheet_text
from planner.errors import PlanError
from planner.ledger import STEP_KINDS
from planner.money import ZERO
from planner.plan import Plan, money_text
from planner.wording import WordLanguage

__all__ = ["export_budget"]


_STAGE_TITLES = {
    "presale": "Presale 定金膨胀",
    "instant_off": "Instant off 立减",
    "multibuy": "Multi-buy 多件优惠",
    "shop": "Shop 店铺满减",
    "shop_coupon": "Shop coupon 店铺券",
    "cross_store": "Cross-store 跨店满减",
    "platform_coupon": "Platform coupon 平台券/红包",
    "member": "Member 会员折扣",
    "subsidy": "Subsidy 国补",
    "shipping": "Shipping 运费",
    "credit": "Credit 购物金",
}


def export_budget(plan: Plan, path: Path, language: WordLanguage = "en") -> None:
    """Write the budget sheet for `plan` to `path` (.xlsx or .csv, chosen by suffix).

    Headers carry both languages (a sheet outlives the setting it was written under);
    each item's steps are worded in `language`, the one the app or command line speaks.
    """
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise PlanError(
            f"cannot export a budget sheet as {path.name!r}",
            "name the file *.xlsx or *.csv",
            zh=(f"无法把预算表导出为 {path.name!r}", "文件名用 *.xlsx 或 *.csv"),
        )
    if not path.parent.is_dir():
        raise PlanError(
            f"directory {path.parent} does not exist",
            "create it or pick another path",
            zh=(f"目录 {path.parent} 不存在", "创建它，或换一个路径"),
        )
    if path.exists() and not path.is_file():
        raise PlanError(
            f"{path} is a directory or device, not a file",
            "name a file to write",
            zh=(f"{path} 是目录或设备，不是文件", "给出一个要写入的文件名"),
        )
    temporary = path.with_name(f".{path.name}.{os.getpid()}.partial{suffix}")
    try:
        if suffix == ".xlsx":
            _write_xlsx(plan, temporary, language)
        else:
            temporary.write_text(_csv_text(plan, language), encoding="utf-8-sig", newline="")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise PlanError(
            f"cannot write {path}: {exc.strerror or exc}",
            "pick another path",
            zh=(f"无法写入 {path}：{cause_words(exc)[1]}", "换一个路径"),
        ) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _stages(plan: Plan) -> list[str]:
    """The pricing stages used by any item (price/activity have their own columns)."""
    used = {step.kind for item in plan.priced.items for step in item.steps}
    return [kind for kind in STEP_KINDS[2:] if kind in used]


def _stage_total(item: PricedItem, kind: str) -> Decimal:
    return sum((s.amount for s in item.steps if s.kind == kind), ZERO)


def _steps_text(item: PricedItem, language: WordLanguage) -> str:
    return "; ".join(f"{s.words.text(language)}: {money_text(s.amount)}" for s in item.steps)


def _offer_price(plan: Plan, item: PricedItem) -> Decimal:
    return plan.cart.item(item.id).offers[item.offer_index].price


def _list_price(plan: Plan, item: PricedItem) -> Decimal | None:
    return plan.cart.item(item.id).offers[item.offer_index].list_price


_FIXED = [
    "Item",
    "Name 名称",
    "Platform 平台",
    "Shop 店铺",
    "List price 原价",
    "Price 单价",
    "Qty 件数",
]
_TAIL = ["In hand 到手", "Quantity 总量", "Unit 单位", "Per unit 单位价", "Steps 明细"]


@dataclass(frozen=True)
class _Formats:
    """The cell formats of one workbook."""

    money: Format
    bold: Format
    bold_money: Format
    day: Format

    @classmethod
    def of(cls, workbook: xlsxwriter.Workbook) -> _Formats:
        return cls(
            money=workbook.add_format({"num_format": "#,##0.00"}),
            bold=workbook.add_format({"bold": True}),
            bold_money=workbook.add_format({"bold": True, "num_format": "#,##0.00"}),
            day=workbook.add_format({"num_format": "yyyy-mm-dd"}),
        )


def _write_xlsx(plan: Plan, path: Path, language: WordLanguage) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    formats = _Formats.of(workbook)
    column = _items_sheet(workbook, plan, formats, language)
    _payments_sheet(workbook, plan, formats)
    _summary_sheet(workbook, plan, column, len(plan.priced.items), formats)
    workbook.close()


def _items_sheet(
    workbook: xlsxwriter.Workbook, plan: Plan, formats: _Formats, language: WordLanguage
) -> str:
    """One row per item and a total row; returns the in-hand column's letter."""
    sheet = workbook.add_worksheet("Items")
    stages = _stages(plan)
    headers = [*_FIXED, *(_STAGE_TITLES[k] for k in stages), *_TAIL]
    for col, title in enumerate(headers):
        sheet.write_string(0, col, title, formats.bold)
    in_hand_col = len(_FIXED) + len(stages)
    rows = plan.priced.items
    for row, item in enumerate(rows, start=1):
        _item_row(sheet, row, plan, item, stages, formats.money)
        sheet.write_string(row, len(headers) - 1, sheet_text(_steps_text(item, language)))
    column = str(xl_col_to_name(in_hand_col))
    sheet.write_string(len(rows) + 1, 0, "Total 合计", formats.bold)
    sheet.write_formula(
        len(rows) + 1,
        in_hand_col,
        f"=SUM({column}2:{column}{max(len(rows), 1) + 1})",
        formats.bold_money,
        float(plan.total),
    )
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, 32)
    sheet.set_column(2, in_hand_col + 3, 14)
    sheet.set_column(in_hand_col + 4, in_hand_col + 4, 60)
    sheet.freeze_panes(1, 2)
    return column


def _item_row(
    sheet: Worksheet, row: int, plan: Plan, item: PricedItem, stages: list[str], money: Format
) -> None:
    """Texts, price and qty, one cell per stage, and the in-hand and per-unit formulas."""
    price_col, qty_col, first_stage = 5, 6, len(_FIXED)
    in_hand_col = first_stage + len(stages)
    for col, text in enumerate((item.id, item.name, item.platform, item.shop)):
        sheet.write_string(row, col, sheet_text(text))
    list_price = _list_price(plan, item)
    if list_price is not None:
        sheet.write_number(row, 4, float(list_price), money)
    sheet.write_number(row, price_col, float(_offer_price(plan, item)), money)
    sheet.write_number(row, qty_col, item.qty)
    for offset, kind in enumerate(stages):
        sheet.write_number(row, first_stage + offset, float(_stage_total(item, kind)), money)
    cell = partial(xl_rowcol_to_cell, row)
    stage_sum = f"+SUM({cell(first_stage)}:{cell(in_hand_col - 1)})" if stages else ""
    in_hand = f"=ROUND({cell(price_col)}*{cell(qty_col)}{stage_sum},2)"
    sheet.write_formula(row, in_hand_col, in_hand, money, float(item.in_hand))
    sheet.write_number(row, in_hand_col + 1, float(item.quantity))
    sheet.write_string(row, in_hand_col + 2, item.unit)
    per_unit = f"=ROUND({cell(in_hand_col)}/{cell(in_hand_col + 1)},2)"
    sheet.write_formula(row, in_hand_col + 3, per_unit, money, float(item.per_unit))


def _payments_sheet(workbook: xlsxwriter.Workbook, plan: Plan, formats: _Formats) -> None:
    money, bold, bold_money, day = formats.money, formats.bold, formats.bold_money, formats.day
    sheet = workbook.add_worksheet("Payments")
    sheet.write_string(0, 0, "Date 日期", bold)
    sheet.write_string(0, 1, "Amount 金额", bold)
    payments = plan.priced.payments
    for row, payment in enumerate(payments, start=1):
        sheet.write_datetime(row, 0, _midnight(payment.date), day)
        sheet.write_number(row, 1, float(payment.amount), money)
    last = len(payments) + 1
    sheet.write_string(last, 0, "Total 合计", bold)
    total = sum((p.amount for p in payments), ZERO)
    sheet.write_formula(last, 1, f"=SUM(B2:B{max(last, 2)})", bold_money, float(total))
    sheet.set_column(0, 1, 16)


def _summary_sheet(
    workbook: xlsxwriter.Workbook,
    plan: Plan,
    column: str,
    count: int,
    formats: _Formats,
) -> None:
    money, bold, bold_money = formats.money, formats.bold, formats.bold_money
    sheet = workbook.add_worksheet("Summary")
    sheet.write_string(0, 0, "Currency 币种", bold)
    sheet.write_string(0, 1, plan.cart.currency)
    sheet.write_string(1, 0, "Total 到手合计", bold)
    in_hand = f"Items!${column}$2:${column}${max(count, 1) + 1}"
    sheet.write_formula(1, 1, f"=SUM({in_hand})", bold_money, float(plan.total))
    sheet.write_string(2, 0, "Naive total 各自最低价", bold)
    if plan.naive_total is not None:
        sheet.write_number(2, 1, float(plan.naive_total), money)
        sheet.write_string(3, 0, "Saving 节省", bold)
        sheet.write_formula(3, 1, "=B3-B2", money, float(plan.saving or ZERO))
    sheet.write_string(4, 0, "Budget 预算", bold)
    if plan.cart.budget is not None:
        sheet.write_number(4, 1, float(plan.cart.budget), money)
        sheet.write_string(5, 0, "Budget left 预算剩余", bold)
        sheet.write_formula(5, 1, "=B5-B2", money, float(plan.budget_left or ZERO))
    sheet.write_string(6, 0, "Optimiser 优化", bold)
    sheet.write_string(6, 1, sheet_text(plan.status_text))
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 40)
    if count:
        chart = workbook.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "In hand 到手",
                "categories": f"=Items!$A$2:$A${count + 1}",
                "values": f"={in_hand}",
            }
        )
        chart.set_title({"name": "In hand per item 每件到手"})
        chart.set_legend({"none": True})
        sheet.insert_chart(8, 0, chart)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _csv_text(plan: Plan, language: WordLanguage) -> str:
    stages = _stages(plan)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "name", "platform", "shop", "list_price", "price", "qty", *stages,
                     "in_hand", "quantity", "unit", "per_unit", "steps"])  # fmt: skip
    for item in plan.priced.items:
        list_price = _list_price(plan, item)
        writer.writerow(
            [
                *(sheet_text(t) for t in (item.id, item.name, item.platform, item.shop)),
                "" if list_price is None else money_text(list_price),
                money_text(_offer_price(plan, item)),
                item.qty,
                *(money_text(_stage_total(item, kind)) for kind in stages),
                money_text(item.in_hand),
                f"{item.quantity.normalize():f}",
                item.unit,
                money_text(item.per_unit),
                sheet_text(_steps_text(item, language)),
            ]
        )
    writer.writerow(["total", *[""] * (len(stages) + 6), money_text(plan.total)])
    writer.writerow([])
    writer.writerow(["payment_date", "amount"])
    for payment in plan.priced.payments:
        writer.writerow([payment.date.isoformat(), money_text(payment.amount)])
    return buffer.getvalue()
