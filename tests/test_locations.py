"""`tracker.locations` owns every file name, not only the directories.

A module that joins a name onto `config_dir()` (or any other directory) keeps a piece of
the layout where no reader looks for it; the map in `locations`' docstring is the layout.
"""

import ast
from pathlib import Path

import pytest

from tracker import locations

ROOT = Path(__file__).resolve().parent.parent
DIRECTORIES = {"config_dir", "data_dir", "log_dir", "cache_dir"}


def _joins_onto_a_directory(path: Path) -> list[int]:
    """Lines where `<a locations directory>() / ...` builds a path."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            left = node.left
            if isinstance(left, ast.Call):
                func = left.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in DIRECTORIES:
                    lines.append(node.lineno)
    return lines


def _sources() -> list[Path]:
    files = [p for package in ("tracker", "tui", "planner") for p in (ROOT / package).rglob("*.py")]
    return [p for p in files if p != ROOT / "tracker" / "locations.py"]


def test_no_module_but_locations_names_a_file_in_a_user_directory():
    found = {
        str(path.relative_to(ROOT)): lines
        for path in _sources()
        if (lines := _joins_onto_a_directory(path))
    }
    assert found == {}, "ask tracker.locations for the file instead"


@pytest.mark.parametrize("name", [n for n in dir(locations) if n.endswith("_NAME")])
def test_the_docstring_map_shows_every_file_name(name):
    assert getattr(locations, name) in locations.__doc__
