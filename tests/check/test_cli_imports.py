"""Starting `daoshou` stays cheap: building the command line imports no heavy library.

Commands import the store, the fetch stack, the planner and the forecaster when they run
(bench/cli.py measures the start-up time); this guards that a module-level import does
not bring one back. It runs in a fresh interpreter, since this one has them all loaded.
"""

import json
import subprocess
import sys

HEAVY = (
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "httpx",
    "selectolax",
    "apprise",
    "apscheduler",
    "highspy",
    "numpy",
    "pandas",
    "prophet",
    "xlsxwriter",
    "openpyxl",
    "textual",
    "asyncio",
)

PROBE = """
import json, sys
import typer.main
from tui.cli import app
typer.main.get_command(app)  # what `daoshou --help` builds: every command and option
print(json.dumps(sorted({name.partition(".")[0] for name in sys.modules})))
"""


def test_building_the_command_line_imports_no_heavy_library():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    ).stdout
    loaded = set(json.loads(out))
    assert sorted(loaded.intersection(HEAVY)) == []
