"""The one-line alert message in both languages, and choosing the language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from planner.money import format_money
from tracker.alerts.messages import Subject, one_line, render
from tracker.alerts.rules import Trigger
from tracker.settings import resolve_language

SUBJECT = Subject("立白 洗衣液 3kg", "tmall", "https://detail.tmall.com/item.htm?id=1")
TRIGGER = Trigger("x", Decimal("45.00"), Decimal("59.90"), "CNY")


def test_english_message():
    text = render(SUBJECT, TRIGGER, "target ≤ ¥50.00", "en")
    assert text == (
        "[daoshou] 立白 洗衣液 3kg (Tmall): ¥59.90 -> ¥45.00, target ≤ ¥50.00 "
        "https://detail.tmall.com/item.htm?id=1"
    )


def test_chinese_message():
    text = render(SUBJECT, TRIGGER, "目标价 ≤ ¥50.00", "zh")
    assert text == (
        "【到手】立白 洗衣液 3kg（天猫）¥59.90 → ¥45.00，目标价 ≤ ¥50.00 "
        "https://detail.tmall.com/item.htm?id=1"
    )


def test_without_an_old_price_or_any_price():
    no_old = Trigger("x", Decimal("45"), None, "CNY")
    assert "now ¥45.00" in render(SUBJECT, no_old, "back in stock", "en")
    assert "现价 ¥45.00" in render(SUBJECT, no_old, "已到货", "zh")
    no_price = Trigger("x", None, None, None)
    assert "no price yet" in render(SUBJECT, no_price, "back in stock", "en")


def test_untrusted_names_stay_on_one_line():
    evil = Subject("Cable [2-pack]\n\x1b[31mRED\r\nline", "web", "https://x.test/a\nb")
    text = render(evil, TRIGGER, "target", "en")
    assert "\n" not in text and "\x1b" not in text and "\r" not in text
    assert "Cable [2-pack]" in text and "(web shop)" in text
    assert one_line("a" * 100).endswith("…") and len(one_line("a" * 100)) == 60


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("59.9", "CNY", "¥59.90"),
        ("5", "USD", "$5.00"),
        ("0.125", "CNY", "¥0.125"),
        ("12.50", "SGD", "12.50 SGD"),
        ("-3", "CNY", "-¥3.00"),
    ],
)
def test_money_is_exact_with_its_currency(amount, currency, text):
    assert format_money(Decimal(amount), currency) == text


def test_language_from_argument_settings_or_locale(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path))
    assert resolve_language("zh") == "zh" and resolve_language("en") == "en"
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert resolve_language() == "zh"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert resolve_language(None) == "en"
    (tmp_path / "config").mkdir(exist_ok=True)
    (tmp_path / "config" / "settings.toml").write_text('[ui]\nlanguage = "zh"\n')
    assert resolve_language() == "zh"
