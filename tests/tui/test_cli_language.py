"""The command line speaks one language, the app's, through the app's catalogue.

Each `daoshou` process picks its language once (the setting, else the locale; here
`DAOSHOU_LANG`), so these run real processes. `--json` does not depend on the language.
"""

import json
import os
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.processes import daoshou_process

CARTS = Path(__file__).parent.parent / "fixtures" / "carts"
CART = str(CARTS / "01-presale-cross-store.toml")


def _daoshou(*args: str, home: Path, lang: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DAOSHOU_HOME": str(home), "DAOSHOU_LANG": lang}
    env.pop("DAOSHOU_DATABASE_URL", None)
    return daoshou_process(env, *args, timeout=120)


def test_plan_steps_and_headers_in_chinese(tmp_path):
    sheet = tmp_path / "budget.xlsx"
    done = _daoshou("plan", CART, "--export", str(sheet), home=tmp_path, lang="zh")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "单价 129.00 × 2" in out and "预售定金 20 抵 40" in out
    assert "跨店满减 每满300减50" in out and "步骤" in out and "合计 287.80 CNY" in out
    for english in ("price 129.00", "cross-store", "presale deposit", "running total", "total "):
        assert english not in out
    steps = _sheet_steps(sheet)
    assert any("跨店满减 每满300减50" in text for text in steps)
    assert not any("cross-store" in text for text in steps)


def test_plan_json_is_the_same_in_both_languages(tmp_path):
    zh = _daoshou("plan", CART, "--json", home=tmp_path, lang="zh")
    en = _daoshou("plan", CART, "--json", home=tmp_path, lang="en")
    assert zh.returncode == en.returncode == 0, zh.stderr + en.stderr
    assert zh.stderr == en.stderr == ""
    document, english = json.loads(zh.stdout), json.loads(en.stdout)
    for timed in (document, english):
        assert timed.pop("status_text").startswith("proven optimal in ")  # with its time
    assert document == english
    detergent = next(i for i in document["items"] if i["id"] == "detergent")
    first, second = detergent["steps"][:2]
    assert (first["kind"], first["form"], first["params"]) == (
        "price",
        "price",
        {"price": "129.00", "qty": "2"},
    )
    assert first["label"] == "price 129.00 x 2"  # the stable English label stays
    assert second["form"] == "presale_worth" and second["params"]["worth"] == "40"


def _sheet_steps(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path)["Items"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("Steps 明细")
    return [str(row[column]) for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]


@pytest.mark.parametrize(
    ("lang", "said", "unsaid"),
    [
        ("zh", "没有要检查的商品链接", "no listings"),
        ("en", "no listings to check", "没有"),
    ],
)
def test_messages_and_errors_speak_one_language(tmp_path, lang, said, unsaid):
    done = _daoshou("check", home=tmp_path, lang=lang)
    assert done.returncode == 0, done.stderr
    assert said in done.stdout and unsaid not in done.stdout
    failed = _daoshou("pause", "99", home=tmp_path, lang=lang)
    assert failed.returncode == 2
    line = (
        "daoshou：错误：没有编号为 99 的商品链接（用 daoshou list 查看编号）"
        if lang == "zh"
        else "daoshou: error: no listing with id 99 (see the ids with: daoshou list)"
    )
    assert failed.stderr == line + "\n"


def _store_sold_out_and_in_stock(home: Path, monkeypatch) -> None:
    """Three listings checked once: one sold out with the page's price, one in stock, one
    behind a login page."""
    from datetime import UTC, datetime
    from decimal import Decimal

    from tracker.store.db import dispose_engines
    from tracker.store.repository import Repository
    from tracker.store.views import NewObservation

    monkeypatch.setenv("DAOSHOU_HOME", str(home))
    monkeypatch.delenv("DAOSHOU_DATABASE_URL", raising=False)
    repo = Repository()
    when = datetime(2026, 11, 20, 9, tzinfo=UTC)
    for path, price, in_stock in (("/p/gone", "59.90", False), ("/p/here", "18.50", True)):
        listing = repo.add_listing(f"https://shop.example.com{path}", product=path[3:])
        seen = NewObservation(
            price=Decimal(price), currency="CNY", in_stock=in_stock, observed_at=when
        )
        repo.import_observations(listing.id, [seen])
    walled = repo.add_listing("https://shop.example.com/p/walled", product="walled")
    login = "login page (shop.example.com): sign in or add cookies for this shop"
    repo.import_observations(
        walled.id, [NewObservation(None, None, reason=login, observed_at=when)]
    )
    dispose_engines()


@pytest.mark.parametrize(("lang", "mark"), [("zh", "（缺货）"), ("en", " (sold out)")])
def test_list_marks_a_sold_out_price(tmp_path, monkeypatch, lang, mark):
    _store_sold_out_and_in_stock(tmp_path, monkeypatch)
    done = _daoshou("list", home=tmp_path, lang=lang)
    assert done.returncode == 0, done.stderr
    gone = next(line for line in done.stdout.splitlines() if " gone " in line)
    here = next(line for line in done.stdout.splitlines() if " here " in line)
    assert f"59.90 CNY{mark}" in gone
    assert "18.50 CNY" in here and mark.strip() not in here
    walled = next(line for line in done.stdout.splitlines() if " walled " in line)
    reason = "无价格（登录页（shop.example.com）" if lang == "zh" else "no price (login page ("
    assert reason in walled
    listed = json.loads(_daoshou("list", "--json", home=tmp_path, lang=lang).stdout)
    assert [row["latest"]["in_stock"] for row in listed] == [False, True, None]
    assert listed[2]["latest"]["reason"].startswith("login page (shop.example.com)")


@pytest.mark.parametrize(
    ("lang", "reason", "platform"),
    [("zh", "登录页（shop.example.com）", "web"), ("en", "login page (shop.example.com)", "web")],
)
def test_history_and_list_word_the_reason_and_platform(
    tmp_path, monkeypatch, lang, reason, platform
):
    _store_sold_out_and_in_stock(tmp_path, monkeypatch)
    done = _daoshou("history", "3", home=tmp_path, lang=lang)
    assert done.returncode == 0, done.stderr
    assert reason in done.stdout
    listed = _daoshou("list", home=tmp_path, lang=lang).stdout.splitlines()
    assert all(line.split()[1] == platform for line in listed[2:]), listed


CREDIT_CART = str(CARTS / "18-credit-unused.toml")


@pytest.mark.parametrize(
    ("lang", "said", "unsaid"),
    [
        ("zh", "购物金 tmall 充 1000 得 1100 未计入：只花 900.00 用不完余额", "not counted"),
        ("en", "购物金 tmall pay 1000 get 1100 not counted: spending 900.00", "未计入"),
    ],
)
def test_plan_notes_speak_one_language_and_json_keeps_both(tmp_path, lang, said, unsaid):
    done = _daoshou("plan", CREDIT_CART, home=tmp_path, lang=lang)
    assert done.returncode == 0, done.stderr
    assert said in done.stdout and unsaid not in done.stdout
    document = json.loads(_daoshou("plan", CREDIT_CART, "--json", home=tmp_path, lang=lang).stdout)
    assert document["notes"] == [
        "购物金 tmall pay 1000 get 1100 not counted: "
        "spending 900.00 would not use the whole balance"
    ]
    (note,) = document["note_forms"]
    assert note["form"] == "credit_unused"
    assert note["params"] == {"platform": "tmall", "pay": "1000", "get": "1100", "spent": "900.00"}
