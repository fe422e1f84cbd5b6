"""The core stays UI-free and the planner stays pure.

Two checks: what a fresh interpreter has loaded after importing every core module (the
UI must not come along at run time), and what the core's own source imports (Rich is
loaded by httpx's optional CLI, so only our own imports of it are forbidden).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "planner": {"textual", "rich", "tui", "tracker"},
    "tracker": {"textual", "rich", "tui"},
}
NEVER_LOADED = {"planner": {"textual", "tui", "tracker"}, "tracker": {"textual", "tui"}}


def _loaded_after_importing(package: str) -> set[str]:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    if '.migrations' not in info.name:\n"
        "        importlib.import_module(info.name)\n"
        "print('\\n'.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def _imported_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(NEVER_LOADED))
def test_importing_the_core_loads_no_ui(package):
    loaded = _loaded_after_importing(package)
    assert not NEVER_LOADED[package] & loaded, f"{package} loads {NEVER_LOADED[package] & loaded}"


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_core_source_imports_no_forbidden_layer(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_names(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_import_linter_contracts_hold():
    out = subprocess.run(
        [sys.executable, "-m", "importlinter.cli", "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if "No module named" in out.stderr:
        pytest.skip("import-linter is a dev dependency")
    assert out.returncode == 0, out.stdout + out.stderr
