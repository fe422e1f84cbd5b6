"""The `daoshou` command line: a thin layer over the same functions the terminal app calls.

Each command group lives in its own module with a `register(app)` function; this module
only wires them together and owns the entry point, where daoshou's errors become one line.
"""

from __future__ import annotations

import typer

from tui.cli import alerts, browser, cookies, extract, forecast, plan, terminal, track
from tui.cli.errors import run

app = typer.Typer(
    name="daoshou",
    help="到手 daoshou: track real prices, forecast sale days, plan what you really pay.",
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

# Command groups, in the order `daoshou --help` lists them.
for _group in (terminal, track, extract, plan, forecast, alerts, cookies, browser):
    _group.register(app)


def main() -> None:
    """Console-script entry point."""
    run(app)
