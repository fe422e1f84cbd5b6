"""Every UI string exists in both languages and the locale picks the language."""

import re
from decimal import Decimal

import pytest

from tui import i18n


def test_every_string_has_both_languages_with_the_same_placeholders():
    for key, (zh, en) in i18n.STRINGS.items():
        assert zh.strip() and en.strip(), key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DAOSHOU_LANG": "zh"}, "zh"),
        ({"DAOSHOU_LANG": "en_US"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
    ],
)
def test_language_follows_the_environment(monkeypatch, env, expected):
    for name in ("DAOSHOU_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert i18n.language_from_locale() == expected


def test_set_language_switches_strings(monkeypatch):
    monkeypatch.setattr(i18n, "_current", None)
    i18n.set_language("zh")
    assert i18n.t("nav.watchlist") == "关注"
    i18n.set_language("en")
    assert i18n.t("watch.count", shown=1, total=2) == "1/2 products"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


@pytest.mark.parametrize(
    ("kind", "raw", "zh", "en"),
    [
        (
            "target",
            {"price": "58.4"},
            "价格 ≤ ¥58.40 时提醒",
            "alert when the price is at or below ¥58.40",
        ),
        (
            "target",
            {"price": "58.4", "in_hand": True},
            "到手价 ≤ ¥58.40 时提醒",
            "alert when the in-hand price is at or below ¥58.40",
        ),
        (
            "drop",
            {"pct": "10"},
            "比上次价格降 10% 时提醒",
            "alert on a drop of 10% from the last price",
        ),
        (
            "drop",
            {"amount": "30", "basis": "median30"},
            "比30天中位价降 ¥30.00 时提醒",
            "alert on a drop of ¥30.00 from the 30-day median",
        ),
        ("lowest", {}, "出现新低时提醒", "alert on a new lowest price"),
        ("in_stock", {}, "到货时提醒", "alert when back in stock"),
    ],
)
def test_each_rule_kind_reads_as_a_sentence(monkeypatch, kind, raw, zh, en):
    from tracker.alerts.kinds import rule_kind
    from tui.phrases import rule_text

    params = rule_kind(kind).parse_params({**raw, "currency": "CNY"})
    for language, expected in (("zh", zh), ("en", en)):
        monkeypatch.setattr(i18n, "_current", language)
        assert rule_text(kind, params) == expected


def test_a_fired_rule_and_a_kind_without_a_sentence(monkeypatch):
    from tui.phrases import rule_text

    monkeypatch.setattr(i18n, "_current", "en")
    assert rule_text("lowest", {}, fired=True).endswith("(fired; re-arms when the price recovers)")
    assert rule_text("weather", {"rain": "1"}) == "weather rule rain=1"
    monkeypatch.setattr(i18n, "_current", "zh")
    assert rule_text("in_stock", {}, waiting="no check yet") == "到货时提醒（no check yet）"


def test_key_hints_declared_in_one_language_read_in_the_other(monkeypatch):
    monkeypatch.setattr(i18n, "_current", "zh")
    assert i18n.retranslate("Forecast all") == "预测全部"
    assert i18n.retranslate("预测全部") == "预测全部"
    assert i18n.retranslate("USB-C cable") == "USB-C cable"
    monkeypatch.setattr(i18n, "_current", "en")
    assert i18n.retranslate("按键") == "Keys"


def test_units_and_steps_in_both_languages(monkeypatch):
    from planner.wording import words
    from tui import format as fmt

    step = words("cross_store", promo="每满300减50")
    monkeypatch.setattr(i18n, "_current", "zh")
    assert fmt.per_unit(Decimal("3.5"), "piece") == "¥3.50/件"
    assert i18n.words_text(step) == "跨店满减 每满300减50"
    monkeypatch.setattr(i18n, "_current", "en")
    assert fmt.per_unit(Decimal("3.5"), "piece") == "¥3.50/pc"
    assert i18n.words_text(("price", {"price": "32.20", "qty": "2"})) == "price 32.20 x 2"
