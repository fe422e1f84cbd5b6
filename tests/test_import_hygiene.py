"""The core stays UI-free and the planner stays pure, checked in fresh interpreters."""

import subprocess
import sys

import pytest

CORE_MODULES = {
    "planner": ["textual", "rich", "tui", "tracker"],
    "tracker": ["textual", "rich", "tui"],
}


def _imported_after(module: str) -> set[str]:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    if '.migrations' in info.name:\n"
        "        continue\n"
        "    importlib.import_module(info.name)\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("package", sorted(CORE_MODULES))
def test_core_does_not_import_forbidden_layers(package):
    loaded = _imported_after(package)
    forbidden = set(CORE_MODULES[package]) & loaded
    assert not forbidden, f"{package} imports {sorted(forbidden)}"


def test_import_linter_contracts_hold():
    out = subprocess.run(
        [sys.executable, "-m", "importlinter.cli", "--no-cache"],
        capture_output=True,
        text=True,
    )
    if "No module named" in out.stderr:
        pytest.skip("import-linter is a dev dependency")
    assert out.returncode == 0, out.stdout + out.stderr
