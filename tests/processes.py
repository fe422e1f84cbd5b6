"""`daoshou` run as a real process, for tests that go through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

MAIN = "from tui.cli import main; main()"


def daoshou(env: dict[str, str], *args: str, json_out: bool = True) -> Any:
    """Run `daoshou ARGS` (with `--json` unless `json_out` is false) in `env`; its parsed
    JSON, or its text output. A failing command fails the test with its stderr."""
    done = subprocess.run(
        [sys.executable, "-c", MAIN, *args, *(["--json"] if json_out else [])],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, (args, done.stderr)
    return json.loads(done.stdout) if json_out else done.stdout
