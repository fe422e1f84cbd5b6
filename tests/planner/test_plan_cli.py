"""`daoshou plan` as a real process: the JSON contract, the export, one-line errors."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.processes import daoshou_process

CARTS = Path(__file__).parent.parent / "fixtures" / "carts"


def _daoshou(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return daoshou_process({**os.environ, "DAOSHOU_HOME": str(home)}, *args, timeout=120)


def test_plan_json_contract(tmp_path):
    done = _daoshou("plan", str(CARTS / "03-optimise-split.toml"), "--json", home=tmp_path)
    assert done.returncode == 0, done.stderr
    plan = json.loads(done.stdout)
    assert plan["total"] == "280.00" and plan["naive_total"] == "320.00"
    assert plan["saving"] == "40.00" and plan["currency"] == "CNY"
    assert plan["status"] == "optimal"
    assert [(i["id"], i["platform"], i["in_hand"]) for i in plan["items"]] == [
        ("x", "tmall", "152.73"),
        ("y", "tmall", "127.27"),
    ]
    for item in plan["items"]:
        assert set(item) >= {"id", "name", "platform", "shop", "qty", "in_hand", "per_unit",
                             "unit", "steps"}  # fmt: skip
        assert all(set(step) >= {"label", "amount"} for step in item["steps"])
    assert plan["orders"][0]["discounts"][0]["amount"] == "50.00"
    assert len(plan["payments"]) == 1


def test_plan_text_and_export(tmp_path):
    sheet = tmp_path / "budget.xlsx"
    done = _daoshou("plan", str(CARTS / "01-presale-cross-store.toml"), "--export", str(sheet),
                    home=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "287.80" in done.stdout and "2025-10-24" in done.stdout
    assert sheet.is_file() and sheet.stat().st_size > 0
    lines = [line.split() for line in done.stdout.splitlines()]
    # Every step from price to in-hand, with its running total, and the order's discounts.
    assert ["detergent", "price", "129.00", "x", "2", "258.00", "258.00"] in lines
    assert ["presale", "deposit", "20", "worth", "40", "-40.00", "218.00"] in lines
    assert ["cross-store", "每满300减50", "-32.27", "185.73"] in lines
    assert ["天猫", "detergent,", "toilet-paper", "cross-store", "每满300减50", "-50.00",
            "287.80"] in lines  # fmt: skip


def _cells(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_plan_reads_at_80_columns_without_scrolling_sideways(tmp_path, language):
    """Names, steps and discounts fold onto more lines; no amount is split or cut."""
    cart = CARTS / "02-subsidies.toml"  # over 90 columns wide when nothing folds
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path), "DAOSHOU_LANG": language}
    done = daoshou_process({**env, "COLUMNS": "80"}, "plan", str(cart), timeout=120)
    assert done.returncode == 0, done.stderr
    assert max(_cells(line) for line in done.stdout.splitlines()) <= 80
    unfolded = daoshou_process({**env, "COLUMNS": "200"}, "plan", str(cart), timeout=120).stdout
    assert max(_cells(line) for line in unfolded.splitlines()) > 80
    wide = daoshou_process(env, "plan", str(cart), "--json", timeout=120)
    plan = json.loads(wide.stdout)
    text = " ".join(done.stdout.split())
    for order in plan["orders"]:
        assert order["total"] in text
        for discount in order["discounts"]:
            assert f"-{discount['amount']}" in done.stdout.split()
    for item in plan["items"]:
        assert item["in_hand"] in done.stdout.split()


@pytest.mark.parametrize("export", ["budget.xlsx", "budget.csv"])
def test_malformed_cart_one_line_and_nothing_written(tmp_path, export):
    cart = tmp_path / "cart.toml"
    text = (CARTS / "04-shop-tiers-multibuy.toml").read_text(encoding="utf-8")
    cart.write_text(text.replace('price = "80.00"', 'price = "8O.00"'), encoding="utf-8")
    line = next(n for n, row in enumerate(cart.read_text().splitlines(), 1) if "8O.00" in row)
    sheet = tmp_path / export
    done = _daoshou("plan", str(cart), "--json", "--export", str(sheet), home=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"cart.toml:{line}: item[1].offer[0].price:" in lines[0]
    assert not sheet.exists()


def test_missing_cart_file(tmp_path):
    done = _daoshou("plan", str(tmp_path / "nope.toml"), "--json", home=tmp_path)
    assert done.returncode == 2 and "does not exist" in done.stderr


def test_over_budget_is_one_line_and_writes_nothing(tmp_path):
    cart = tmp_path / "cart.toml"
    text = (CARTS / "20-capped-every-and-budget.toml").read_text(encoding="utf-8")
    cart.write_text(text.replace('budget = "900"', 'budget = "100"'), encoding="utf-8")
    sheet = tmp_path / "budget.csv"
    done = _daoshou("plan", str(cart), "--export", str(sheet), home=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "budget" in done.stderr
    assert not sheet.exists()
