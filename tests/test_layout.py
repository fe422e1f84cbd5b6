"""The house keeps the rooms the design names (DESIGN.md, "Layout").

Each room of `tracker/` is a package whose docstring says what it owns, and the root of
`tracker/` holds only the few modules every room shares.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ["fetch", "extract", "store", "checks", "alerts", "queries", "shop", "plans"]
TRACKER_ROOT_MODULES = {"__init__.py", "errors.py", "locations.py", "platforms.py", "settings.py"}


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_is_a_package_that_says_what_it_owns(room):
    init = ROOT / "tracker" / room / "__init__.py"
    assert init.is_file(), f"tracker/{room}/ is not a package"
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), init


def test_the_tracker_root_holds_only_shared_modules():
    modules = {p.name for p in (ROOT / "tracker").glob("*.py")}
    assert modules == TRACKER_ROOT_MODULES


def test_tui_widgets_and_screens_are_packages():
    for name in ("screens", "widgets", "cli"):
        assert (ROOT / "tui" / name / "__init__.py").is_file(), name
