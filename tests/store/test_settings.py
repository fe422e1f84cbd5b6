"""Settings: defaults without a file, documented fields, one-line errors for bad files."""

import pytest

from tracker.errors import SettingsError
from tracker.settings import Settings, load_settings, settings_path


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DAOSHOU_HOME", str(tmp_path))
    assert settings_path().parent == tmp_path / "config"
    settings = load_settings()
    assert settings == Settings()
    assert settings.interval_minutes == 240
    assert settings.respects_robots("item.jd.com")


def test_a_full_file(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text(
        """
[checks]
interval_minutes = 60
jitter_minutes = 5
[fetch]
user_agent = "my agent"
min_delay_seconds = 1
[hosts."example.com"]
robots = false
min_delay_seconds = 10
[browser]
mode = "auto"
chromium_path = "/usr/bin/chromium"
[ui]
language = "zh"
""",
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert (settings.interval_minutes, settings.jitter_minutes) == (60, 5)
    assert settings.min_delay_seconds == 1.0
    assert not settings.respects_robots("shop.Example.com")
    assert settings.respects_robots("example.org")
    assert settings.min_delay_for("www.example.com") == 10
    assert settings.min_delay_for("other.org") == 1.0
    assert (settings.browser_mode, settings.chromium_path) == ("auto", "/usr/bin/chromium")
    assert settings.resolved_language() == "zh"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[checks]\ninterval_minutes = 0", "checks.interval_minutes = 0"),
        ("[checks]\ninterval_minutes = '4h'", "checks.interval_minutes"),
        ("[fetch]\nproxy = 'x'", "unknown setting fetch.proxy"),
        ("[browser]\nmode = 'sometimes'", "off, auto or always"),
        ('[hosts."a.com"]\nrobots = "no"', "robots"),
        ("[checks\n", "cannot read settings file"),
    ],
)
def test_bad_files_name_the_field(tmp_path, text, needle):
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(path)
    assert needle in info.value.one_line()
    assert str(path) in info.value.one_line()


@pytest.mark.parametrize(
    ("env", "expected"),
    [({"LC_ALL": "zh_CN.UTF-8"}, "zh"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "zh_TW"}, "zh")],
)
def test_auto_language_follows_the_locale(monkeypatch, env, expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert Settings().resolved_language() == expected
