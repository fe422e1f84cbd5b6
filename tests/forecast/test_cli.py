"""The command-line contract, in real subprocesses: stdout is exactly one JSON object."""

import json
import os
import subprocess
import sys

import pytest

from .conftest import DAILY_CSV

MAIN = "from tui.cli import main; main()"


def daoshou(tmp_path, *args):
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args], capture_output=True, text=True, env=env, timeout=240
    )


def test_forecast_csv_json_contract_and_quiet(tmp_path):
    done = daoshou(
        tmp_path,
        "forecast",
        "--csv",
        str(DAILY_CSV),
        "--series",
        "shopee-br-16604914064",
        "--until",
        "2022-12-05",
        "--event",
        "2022-12-12",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # neither prophet nor cmdstanpy may speak
    result = json.loads(done.stdout)
    for key in ("point", "lower", "upper", "expected_saving"):
        assert isinstance(result[key], str) and float(result[key]) >= 0
    assert float(result["lower"]) <= float(result["point"]) <= float(result["upper"])
    assert 0.0 <= result["prob_drop"] <= 1.0
    assert result["advice"] in ("buy", "wait")
    assert result["method"] in ("model", "fallback")
    assert result["history_days"] == 188  # 2022-06-01 .. 2022-12-05
    assert result["as_of"] == "2022-12-05" and result["event_date"] == "2022-12-12"


def test_forecast_single_series_csv_with_month_day_event(tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("date,price\n" + "".join(f"2026-10-{d:02},88.00\n" for d in range(1, 21)))
    done = daoshou(tmp_path, "forecast", "--csv", str(path), "--event", "11.11", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["event_date"] == "2026-11-11"
    assert result["method"] == "fallback"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--series", "nope", "--event", "11.11"], "no series 'nope'"),
        (["--event", "11.11"], "pick one with --series"),
        (["--series", "steam-elden-ring", "--until", "yesterday", "--event", "1.1"], "--until"),
    ],
)
def test_forecast_errors_are_one_line(tmp_path, args, needle):
    done = daoshou(tmp_path, "forecast", "--csv", str(DAILY_CSV), *args, "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    assert needle in done.stderr and done.stderr.count("\n") == 1


def test_bad_csv_row_names_file_and_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("date,price\n2026-01-01,1\n2026-01-02,cheap\n")
    done = daoshou(tmp_path, "forecast", "--csv", str(path), "--event", "11.11", "--json")
    assert done.returncode == 2
    assert "bad.csv, line 3" in done.stderr


def test_backtest_json(tmp_path):
    done = daoshou(
        tmp_path,
        "backtest",
        "--csv",
        str(DAILY_CSV),
        "--series",
        "shopee-br-15574703473",
        "--workers",
        "1",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    report = json.loads(done.stdout)
    methods = {s["method"]: s for s in report["scores"]}
    assert {"daoshou", "last_price", "last_year_discount", "min_90_days"} <= set(methods)
    assert methods["last_price"]["mase"] == 1.0
    assert report["cases"] == methods["daoshou"]["cases"] > 0
    assert set(report["by_horizon"]) == {"1", "7", "14"}


def test_tracked_listing_import_then_forecast(tmp_path):
    added = daoshou(tmp_path, "add", "https://item.jd.com/100012043978.html", "--force", "--json")
    assert added.returncode == 0, added.stderr
    listing = str(json.loads(added.stdout)["id"])
    history = tmp_path / "jd.csv"
    history.write_text("date,price\n2026-11-01,99.00\n")
    imported = daoshou(tmp_path, "import-history", str(history), "--listing", listing, "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["inserted"] == {listing: 1}
    done = daoshou(tmp_path, "forecast", listing, "--event", "11.11", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["method"] == "fallback" and result["last_price"] == "99.00"
    assert result["event_date"].endswith("-11-11") and result["event_key"].startswith("double11")
