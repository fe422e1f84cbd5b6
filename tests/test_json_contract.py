"""Every command that takes `--json` prints one JSON value on stdout and nothing else.

Scripts read daoshou's stdout, so a library that speaks on the terminal (a solver banner,
a model's log line) breaks them. Each command runs as a real process, as a user's
script runs it, with representative arguments on one fresh data directory, against the
loopback shop and a loopback Apprise receiver. The list of commands comes from the command
line itself: a new command with `--json` fails here until it is given arguments below.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import typer.main

from tests.shop_fixture import shop  # noqa: F401
from tui.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
MAIN = "from tui.cli import main; main()"

# In the order they run: later commands use what earlier ones made (listing 1, rule 1,
# channel 1). `{url}`, `{page}`, `{hook}`, `{csv}`, `{cart}` are filled in by the test.
SCENARIO: list[tuple[str, ...]] = [
    ("add", "{url}", "--product", "Kettle [1.7L]", "--pack", "1 pc"),
    ("list",),
    ("check",),
    ("history", "1"),
    ("pause", "1"),
    ("resume", "1"),
    ("extract", "{page}", "--url", "https://shop.example/p/1"),
    ("plan", "{cart}", "--today", "2026-11-21"),
    ("cart", "save", "split", "{cart}"),
    ("cart", "list"),
    ("cart", "show", "split"),
    ("plan", "split", "--today", "2026-11-21"),
    ("cart", "remove", "split"),
    (
        "forecast",
        "--csv",
        "{csv}",
        "--series",
        "shopee-br-16604914064",
        "--until",
        "2022-12-05",
        "--event",
        "2022-12-12",
    ),
    ("forecast", "1", "--event", "12.12"),
    ("backtest", "--csv", "{csv}", "--series", "shopee-br-16604914064"),
    ("import-history", "{history}", "--listing", "1"),
    ("history", "1", "--daily"),
    ("history", "1", "--limit", "1", "--before", "2026-10-02"),
    ("bought", "1", "--price", "129", "--date", "2026-11-11"),
    ("alerts", "channel", "add", "{hook}"),
    ("alerts", "channel", "list"),
    ("alerts", "add", "1", "--below", "99"),
    ("alerts", "list"),
    ("alerts", "test"),
    ("alerts", "deliver"),
    ("alerts", "history"),
    ("alerts", "protection"),
    ("alerts", "remove", "1"),
    ("alerts", "channel", "remove", "1"),
    ("cookies", "set", "jd", "pt_key=abc; pt_pin=shopper"),
    ("cookies", "list"),
    ("cookies", "remove", "jd"),
    ("browser", "status"),
]


def _commands_with_json(group: object, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    """Every command path under `group` that has a `--json` option."""
    found: set[tuple[str, ...]] = set()
    for name, command in getattr(group, "commands", {}).items():
        path = (*prefix, name)
        if hasattr(command, "commands"):
            found |= _commands_with_json(command, path)
        elif any("--json" in getattr(p, "opts", ()) for p in command.params):
            found.add(path)
    return found


def _path_of(args: tuple[str, ...], known: set[tuple[str, ...]]) -> tuple[str, ...]:
    return next(args[:n] for n in (3, 2, 1) if args[:n] in known)


def test_every_json_command_is_in_the_scenario():
    known = _commands_with_json(typer.main.get_command(app))
    assert {_path_of(args, known) for args in SCENARIO} == known


def test_stdout_is_one_json_value_and_stderr_is_empty(tmp_path, shop):  # noqa: F811
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text("[fetch]\nmin_delay_seconds = 0\n")
    shop.set_product("kettle", price="129.00", title="Kettle <b>[1.7L]</b>")
    history = tmp_path / "history.csv"
    history.write_text("date,price\n2026-10-01,139.00\n2026-10-02,135.00\n", encoding="utf-8")
    receiver = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "alerts" / "receiver.py")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert receiver.stdout is not None
        port = int(receiver.stdout.readline())
        fill = {
            "{url}": shop.product_url("kettle"),
            "{page}": str(FIXTURES / "pages" / "almedina-net.html"),
            "{cart}": str(FIXTURES / "carts" / "03-optimise-split.toml"),
            "{csv}": str(FIXTURES / "prices" / "daily.csv"),
            "{history}": str(history),
            "{hook}": f"json://127.0.0.1:{port}/hook",
        }
        env = {**os.environ, "DAOSHOU_HOME": str(home)}
        env.pop("DAOSHOU_DATABASE_URL", None)
        for args in SCENARIO:
            argv = [fill.get(arg, arg) for arg in args] + ["--json"]
            done = subprocess.run(
                [sys.executable, "-c", MAIN, *argv],
                capture_output=True,
                text=True,
                env=env,
                timeout=240,
            )
            assert done.returncode == 0, (args, done.stderr)
            assert done.stderr == "", (args, done.stderr)
            json.loads(done.stdout)  # the whole of stdout, and nothing else
    finally:
        receiver.kill()
        receiver.wait()
