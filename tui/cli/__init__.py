"""The `daoshou` command line: a thin layer over the same functions the terminal app calls.

Each command group lives in its own module with a `register(app)` function; this module
only wires them together and owns the entry point, where daoshou's errors become one line.
"""

from __future__ import annotations

import typer

from tui.cli.errors import run

app = typer.Typer(
    name="daoshou",
    help="到手 daoshou: track real prices, forecast sale days, plan what you really pay.",
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# Command groups: one line each, `from tui.cli import <module>` then `<module>.register(app)`.
from tui.cli import plan  # noqa: E402, I001
plan.register(app)
from tui.cli import track  # noqa: E402
track.register(app)
from tui.cli import alerts  # noqa: E402, I001
alerts.register(app)
from tui.cli import terminal  # noqa: E402
terminal.register(app)
from tui.cli import cookies  # noqa: E402
cookies.register(app)
from tui.cli import extract  # noqa: E402
extract.register(app)
from tui.cli import forecast  # noqa: E402, I001
forecast.register(app)


def main() -> None:
    """Console-script entry point."""
    run(app)
