"""The budget sheet, read back: live formulas, right values, payments, chart, no formulas
from scraped text; and the CSV."""

import csv
import io
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from planner.budget_export import export_budget
from planner.cart_file import load_cart
from planner.cost import Pricing
from planner.display import sheet_text
from planner.errors import PlanError
from planner.plan import make_plan
from tests.clock import TODAY

CARTS = Path(__file__).parent.parent / "fixtures" / "carts"


@pytest.fixture(scope="module")
def pricing():
    return Pricing.load()


@pytest.fixture(scope="module")
def presale_plan(pricing):
    cart = load_cart(CARTS / "01-presale-cross-store.toml", today=TODAY)
    hostile = replace(cart.item("detergent"), name='=HYPERLINK("http://x","click")')
    cart = replace(cart, items=(hostile, cart.items[1]), budget=Decimal("300"))
    return make_plan(cart, pricing, today=TODAY)


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'x"), ("\rx", "'x"), ("Liby 3kg", "Liby 3kg"), ("", ""),
     ('＝HYPERLINK("http://x")', '\'＝HYPERLINK("http://x")'), ("＋86", "'＋86"),
     ("－5", "'－5"), ("＠SUM(A1)", "'＠SUM(A1)"), ("\x1b]0;pwned\x07=1", "'=1")],
)  # fmt: skip
def test_sheet_text_is_never_a_formula(text, safe):
    assert sheet_text(text) == safe


def test_xlsx_has_live_formulas_and_right_values(tmp_path, presale_plan):
    path = tmp_path / "budget.xlsx"
    export_budget(presale_plan, path)
    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    assert formulas.sheetnames == ["Items", "Payments", "Summary"]
    items = formulas["Items"]
    headers = [cell.value for cell in items[1]]
    in_hand = headers.index("In hand 到手") + 1
    per_unit = headers.index("Per unit 单位价") + 1
    assert "Presale 定金膨胀" in headers and "Cross-store 跨店满减" in headers
    assert items.cell(2, in_hand).value.startswith("=ROUND(F2*G2+SUM(")
    assert items.cell(2, per_unit).value.startswith("=ROUND(")
    assert items.cell(4, in_hand).value.startswith("=SUM(")
    cached = values["Items"]
    assert cached.cell(2, in_hand).value == pytest.approx(185.73)
    assert cached.cell(3, in_hand).value == pytest.approx(102.07)
    assert cached.cell(2, per_unit).value == pytest.approx(15.48)
    assert cached.cell(4, in_hand).value == pytest.approx(287.80)
    # the stage cells add up to the in-hand amount the formula computes
    row = [cached.cell(2, c).value or 0 for c in range(1, in_hand)]
    assert row[5] * row[6] + sum(row[7:]) == pytest.approx(185.73)
    assert items.cell(2, 2).value == '\'=HYPERLINK("http://x","click")'
    assert all(
        not (isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
        for r in items.iter_rows() for c in r
    )  # fmt: skip


def test_xlsx_payments_and_summary(tmp_path, presale_plan):
    path = tmp_path / "budget.xlsx"
    export_budget(presale_plan, path)
    formulas = load_workbook(path)
    values = load_workbook(path, data_only=True)
    payments = values["Payments"]
    assert payments["A2"].value.date().isoformat() == "2025-10-24"
    assert payments["B2"].value == pytest.approx(40)
    assert payments["A3"].value.date().isoformat() == "2025-10-31"
    assert payments["B3"].value == pytest.approx(247.80)
    assert formulas["Payments"]["B4"].value == "=SUM(B2:B3)"
    summary = formulas["Summary"]
    assert summary["B2"].value.startswith("=SUM(Items!")
    assert summary["B4"].value == "=B3-B2"
    assert summary["B6"].value == "=B5-B2"
    assert values["Summary"]["B6"].value == pytest.approx(12.20)
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_csv(tmp_path, presale_plan):
    path = tmp_path / "budget.csv"
    export_budget(presale_plan, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:4] == ["id", "name", "platform", "shop"]
    assert rows[1][1].startswith("'=")
    assert rows[1][header.index("in_hand")] == "185.73"
    assert rows[1][header.index("per_unit")] == "15.48"
    assert rows[1][header.index("presale")] == "-40.00"
    assert rows[3][header.index("in_hand")] == "287.80"
    assert ["2025-10-24", "40.00"] in rows and ["2025-10-31", "247.80"] in rows


def test_bad_export_names_write_nothing(tmp_path, presale_plan):
    with pytest.raises(PlanError, match=r"budget\.pdf"):
        export_budget(presale_plan, tmp_path / "budget.pdf")
    with pytest.raises(PlanError, match="does not exist"):
        export_budget(presale_plan, tmp_path / "missing" / "budget.xlsx")
    assert list(tmp_path.iterdir()) == []
