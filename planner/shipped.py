"""Where the files daoshou ships under `data/` live, in a checkout and in an installed wheel.

The repository keeps them in a top-level `data/` directory; the wheel installs the same
files as `daoshou_data/` beside the packages. Callers ask for a file by name and never
guess the layout.
"""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


def shipped_data_dir() -> Path:
    """The directory holding daoshou's shipped data files."""
    for candidate in (_ROOT / "daoshou_data", _ROOT / "data"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"daoshou's shipped data directory is missing under {_ROOT}")


def shipped_file(name: str) -> Path:
    """The path of one shipped data file, e.g. ``shipped_file("platforms.toml")``."""
    return shipped_data_dir() / name
