"""The one place where daoshou's errors become what a user reads on the command line.

A `DaoshouError` prints one line on stderr, `daoshou: error: <what> (<what to do>)`, and
exits with status 2. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import typer

from planner.errors import DaoshouError
from tui.i18n import current_language, t

EXIT_USER_ERROR = 2


def run(app: typer.Typer) -> None:
    """Run the Typer app, turning daoshou's errors into one-line messages."""
    try:
        app(prog_name="daoshou")
    except DaoshouError as exc:
        print(t("cli.error", error=exc.one_line(current_language())), file=sys.stderr)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        sys.exit(130)
