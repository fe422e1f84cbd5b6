"""Hand-written TOML nested past Python's recursion limit is a one-line error, everywhere
daoshou reads the user's TOML files (settings, subsidies, platform rules, recipes)."""

import shutil
from pathlib import Path

import pytest

from planner.errors import DaoshouError
from planner.rules import load_rulebook
from planner.subsidy import load_subsidies
from tracker.settings import load_settings

DEEP = Path(__file__).parent.parent / "fixtures" / "hostile" / "deep-settings.toml"


def test_deep_settings_are_a_settings_error(tmp_path):
    with pytest.raises(DaoshouError, match="cannot read settings file") as info:
        load_settings(DEEP)
    assert "\n" not in info.value.one_line()


def test_deep_subsidies_and_rules_are_one_line_errors(tmp_path):
    shutil.copy(DEEP, tmp_path / "subsidies.toml")
    for load, argument in ((load_subsidies, tmp_path), (load_rulebook, DEEP)):
        with pytest.raises(DaoshouError) as info:
            load(argument)
        assert "\n" not in info.value.one_line()
