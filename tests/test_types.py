"""The annotations are checked, not only written: mypy passes on planner/, tracker/ and tui/.

The settings (strict, and each documented exception) live in `[tool.mypy]` in
pyproject.toml, so a bare `mypy` at the root checks exactly what this test checks.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_mypy_finds_no_errors():
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is a dev dependency")
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "planner", "tracker", "tui"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Success: no issues found" in out.stdout
