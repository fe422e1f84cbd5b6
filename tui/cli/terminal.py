"""`daoshou` with no command opens the terminal app on the user's store; `daoshou demo`
opens it on a fresh demo store with a live loopback shop.

While the app runs nothing may reach stdout/stderr (it would tear the screen), so logging
goes to `daoshou.log` under the user's log directory and the model libraries are silenced.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from tracker import locations


def log_to_file() -> Path:
    """Send every log record to the (rotated, owner-only) log file only; returns its path."""
    path = locations.log_to(locations.app_log_file())
    logging.captureWarnings(True)
    from planner.forecast.quiet import silence_model_loggers

    silence_model_loggers()
    return path


def _use_language_setting() -> None:
    from tracker.errors import SettingsError
    from tracker.settings import load_settings
    from tui.i18n import set_language

    try:
        language = load_settings().resolved_language()
    except SettingsError:
        return  # the Settings screen shows the problem; the locale decides meanwhile
    set_language("zh" if language == "zh" else "en")


def open_app(context: Any) -> None:
    """Run the app until the user quits."""
    import gc

    from tui.app import DaoshouApp

    # What start-up imported lives as long as the process: frozen, the collector stops
    # walking it again and again while the watchlist's first rows are read and drawn
    # (about a tenth of the first paint's CPU at 10,000 listings).
    gc.freeze()
    DaoshouApp(context).run()


def run_user_app(schedule: bool) -> None:
    """The app on the user's own store (with `schedule`, it also checks listings)."""
    from tui.context import AppContext

    log_to_file()
    _use_language_setting()
    open_app(AppContext(store_for_app(locations.database_url()), run_scheduler=schedule))


def store_for_app(url: str) -> Any:
    """The store as the app takes it: a SQLite store at the current schema as its URL, to
    be opened through SQLAlchemy in a worker after the watchlist's first paint (read
    through sqlite3); any other store opened now, so that a due migration runs and a
    broken store is reported in one line before the app starts."""
    from tracker.store import sqlite_reader

    if sqlite_reader.at_head(url):
        return url
    from tracker.store.db import open_engine

    return open_engine(url)


def run_demo(home: Path | None, serve: bool) -> None:
    """The app on a fresh demo store."""
    from tui.context import AppContext
    from tui.demo.session import start_demo, use_demo_home

    home = use_demo_home(home)
    log_to_file()  # before anything logs: the demo's own log, never the terminal
    session = start_demo(datetime.now(UTC), home=home, serve=serve)
    _use_language_setting()
    try:
        context = AppContext(
            session.engine, demo_home=session.home, run_scheduler=serve, forecast_on_start=True
        )
        open_app(context)
    finally:
        session.close()


def register(app: typer.Typer) -> None:
    """Add the default action and `daoshou demo`."""

    @app.callback(invoke_without_command=True)
    def default(
        ctx: typer.Context,
        schedule: Annotated[
            bool,
            typer.Option(
                help="Also check listings on their interval while the app is open "
                "(leave off when `daoshou run` already runs)."
            ),
        ] = False,
    ) -> None:
        """With no command: open the terminal app on your database."""
        if ctx.invoked_subcommand is None:
            run_user_app(schedule)

    @app.command()
    def demo(
        home: Annotated[
            Path | None,
            typer.Option(help="Demo directory (default: a new one under the cache directory)."),
        ] = None,
        serve: Annotated[bool, typer.Option(help="Run the local demo shop so prices move.")] = True,
    ) -> None:
        """Open the app on a fresh demo database, offline (your data is never touched)."""
        run_demo(home, serve)
