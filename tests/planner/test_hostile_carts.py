"""Carts written to break the planner: each is refused in one line that says what is wrong.

The carts are under tests/fixtures/hostile/carts/; `daoshou plan` runs on each as a real
process, so the line a user reads (and no traceback) is what is checked.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CARTS = Path(__file__).parent.parent / "fixtures" / "hostile" / "carts"
GOOD = Path(__file__).parent.parent / "fixtures" / "carts" / "02-subsidies.toml"
DAOSHOU = Path(sys.executable).parent / "daoshou"

WHAT_IS_WRONG = {
    "budget-1e400.toml": "budget: budget '1e400' is not an amount",
    "budget-30.toml": "budget: budget '123456789012345678901234567890.00' is not an amount",
    "price-1e400.toml": "price: price '1e400' is not an amount",
    "price-30digits.toml": "price: price '123456789012345678901234567890' is not an amount",
    "qty-1e20.toml": "qty: 100000000000000000000 is more than 100,000",
    "subsidy-unknown.toml": "unknown subsidy programme 'no-such-subsidy'",
    "pack-negative.toml": "pack '-3kg' has a negative size",
    "pack-negative2.toml": "pack '3kg x -2' has a negative size",
    "coupon-items.toml": "promotion[0].items: no item with id 'nosuch'",
    "deep.toml": "nested too deeply",
}


def _plan(*args, home):
    env = {**os.environ, "DAOSHOU_HOME": str(home)}
    return subprocess.run(
        [str(DAOSHOU), "plan", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_every_hostile_cart_has_an_expectation():
    assert {p.name for p in CARTS.glob("*.toml")} == set(WHAT_IS_WRONG)


@pytest.mark.parametrize(("name", "wrong"), WHAT_IS_WRONG.items())
def test_a_hostile_cart_is_one_line_saying_what_is_wrong(tmp_path, name, wrong):
    done = _plan(str(CARTS / name), home=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("daoshou: error: ") and wrong in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_exporting_onto_a_directory_is_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    target = out / "budget.xlsx"
    target.mkdir(parents=True)
    done = _plan(str(GOOD), "--export", str(target), home=tmp_path / "home")
    assert done.returncode == 2 and "is a directory or device" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert [p.name for p in out.iterdir()] == ["budget.xlsx"] and not any(target.iterdir())
