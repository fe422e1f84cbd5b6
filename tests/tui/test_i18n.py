"""Every UI string exists in both languages and the locale picks the language."""

import re

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
