"""`daoshou` run as a real process, for tests that go through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

MAIN = "from tui.cli import main; main()"


def daoshou_process(
    env: dict[str, str], *args: str, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run `daoshou ARGS` in `env` and return the finished process, whatever it did."""
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def run_daoshou(env: dict[str, str], *args: str, timeout: float = 240) -> tuple[int, str, str]:
    """Run `daoshou ARGS` in `env`: its exit status, stdout and stderr, whatever they are."""
    done = daoshou_process(env, *args, timeout=timeout)
    return done.returncode, done.stdout, done.stderr


def daoshou(env: dict[str, str], *args: str, json_out: bool = True) -> Any:
    """Run `daoshou ARGS` (with `--json` unless `json_out` is false) in `env`; its parsed
    JSON, or its text output. A failing command fails the test with its stderr."""
    status, out, err = run_daoshou(env, *args, *(["--json"] if json_out else []))
    assert status == 0, (args, err)
    return json.loads(out) if json_out else out
