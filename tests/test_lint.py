"""The code base stays `ruff` clean and formatted; both run as part of the suite."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> str:
    """The ruff of this environment (the locked version), else one on PATH."""
    ruff = Path(sys.executable).parent / "ruff"
    found = str(ruff) if ruff.exists() else shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is a dev dependency")
    return found


def test_ruff_is_clean():
    out = subprocess.run([_ruff(), "check", str(ROOT)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_format_is_clean():
    out = subprocess.run([_ruff(), "format", "--check", str(ROOT)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
