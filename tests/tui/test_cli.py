"""`daoshou` opens the app on the user's store, `daoshou demo` on a fresh demo store; while
the app runs, logs go to a file and never to the terminal."""

import logging

import pytest
from typer.testing import CliRunner

from tui.cli import app as cli_app
from tui.cli import terminal


@pytest.fixture(autouse=True)
def root_logging():
    """The commands point the root logger at a file; give pytest its handlers back."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)


def test_no_command_opens_the_app_on_the_users_store(home, monkeypatch):
    opened = []
    monkeypatch.setattr(terminal, "open_app", opened.append)
    result = CliRunner().invoke(cli_app, [])
    assert result.exit_code == 0, result.output
    [context] = opened
    assert str(home) in str(context.engine.url)
    assert context.demo_home is None and context.run_scheduler is False


def test_schedule_option_runs_the_scheduler_in_the_app(home, monkeypatch):
    opened = []
    monkeypatch.setattr(terminal, "open_app", opened.append)
    assert CliRunner().invoke(cli_app, ["--schedule"]).exit_code == 0
    assert opened[0].run_scheduler is True


def test_demo_opens_a_fresh_store_that_is_not_the_users(home, monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(terminal, "open_app", opened.append)
    demo_home = tmp_path / "demo-home"
    result = CliRunner().invoke(cli_app, ["demo", "--no-serve", "--home", str(demo_home)])
    assert result.exit_code == 0, result.output
    [context] = opened
    assert context.demo_home == demo_home
    assert str(demo_home) in str(context.engine.url)
    assert not (home / "data" / "daoshou.sqlite").exists()
    assert (demo_home / "data" / "carts" / "cart.toml").exists()  # the app's saved cart


def test_logs_go_to_the_log_file_only(home, capfd):
    path = terminal.log_to_file()
    logging.getLogger("daoshou.test").warning("a warning while the app runs")
    for handler in logging.getLogger().handlers:
        handler.flush()
    captured = capfd.readouterr()
    assert "a warning while the app runs" not in captured.out + captured.err
    assert "a warning while the app runs" in path.read_text(encoding="utf-8")
