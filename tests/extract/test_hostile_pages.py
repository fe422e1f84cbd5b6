"""Pages written to hurt: no wrong price, no traceback, bounded memory and work.

Every page here is under tests/fixtures/hostile/ and was written for these tests. Each
either gives its one right price or "no price" with a reason; `daoshou extract` is run on
all of them as a real process, with its peak memory measured from the kernel's count.
"""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from planner.local_file import MAX_INPUT_BYTES
from tracker.errors import ExtractionInputError
from tracker.extract.inputs import read_page_file
from tracker.extract.pipeline import extract_page

HOSTILE = Path(__file__).parent.parent / "fixtures" / "hostile"
DAOSHOU = Path(sys.executable).parent / "daoshou"
PEAK_LIMIT_MB = 300

EXPECTED: dict[str, Decimal | None] = {
    "magnitude-wan.html": Decimal(12000),  # ¥1.2万
    "magnitude-wan-yuan.html": Decimal(30000),  # 3万元
    "magnitude-qian.html": Decimal(3000),  # ¥3千
    "magnitude-yi.html": Decimal(10**8),  # ¥1亿
    "magnitude-k.html": None,  # ¥1.3k: a size or a model as often as a price
    "magnitude-w.html": None,  # ¥1.2w
    "magnitude-k-yuan.html": None,  # 12K元, 76w元: a letter magnitude before 元
    "visible-negative.html": None,  # ¥-99
    "visible-negative-before.html": None,  # -¥99.00
    "visible-accounting-negative.html": None,  # （¥349.00）: an accountant's negative
    "jsonld-negative.html": None,  # "-5.00"
    "jsonld-negative-number.html": None,  # -5
    "jsonld-tiny.html": None,  # 1e-7
    "jsonld-five-decimals.html": None,  # "19.99999"
    "jsonld-huge-exponent.html": None,  # 1e400
    "jsonld-5000-digits.html": None,
    "jsonld-5000-digit-string.html": None,
    "jsonld-deep.html": None,  # 100,000 nested arrays
    "presale-deposit.html": None,  # 定金 ¥100 可抵 ¥150, 尾款 ¥5849
    "presale-deposit-inline.html": None,  # 定金¥100
    "presale-reduction.html": None,  # 付定金¥50立减¥100, 尾款 ¥2849; the rest is recommendations
    "presale-elsewhere.html": Decimal("299.00"),  # other products' deposits in 为你推荐
    "recommend-en.html": Decimal("49.00"),  # after a "You may also like" slider
    "recommend-cn.html": Decimal("159.00"),  # after a 猜你喜欢 block
    "recommend-cards.html": None,  # only other products' cards, under a generated class
    "nested-divs.html": None,  # 200,000 nested <div>s
    "unclosed-divs.html": None,  # 150,000 <div>s never closed
    "many-elements.html": None,  # 400,000 elements
    "self-closing-divs.html": None,  # 150,000 <div/>: HTML ignores the slash, they nest
    "svg-sprite.html": Decimal("129.00"),  # 9,000 self-closing shapes inside an svg
    "escape-title.html": Decimal("99.00"),
}
TOO_COMPLEX = {
    "nested-divs.html",
    "unclosed-divs.html",
    "many-elements.html",
    "self-closing-divs.html",
}


def test_every_hostile_page_has_an_expectation():
    pages = {p.name for p in HOSTILE.glob("*.html")}
    assert pages == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hostile_page_gives_its_price_or_no_price(name):
    result = extract_page(read_page_file(HOSTILE / name), "https://shop.example/item/1")
    assert result.price == EXPECTED[name], result.candidates
    if result.price is None:
        assert result.reason
    if name in TOO_COMPLEX:
        assert result.reason.startswith("page too complex")


# A small launcher runs the command and reports its one child's peak RSS (KiB). Linux
# counts a child's memory from before its exec, so a command forked straight from this
# (large) test worker would be charged the worker's size; forked from the launcher, it is
# charged a few MB at most, and RUSAGE_CHILDREN there covers that one command alone.
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[2:]).returncode\n"
    "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
    "sys.exit(code)\n"
)


def _run_measured(args: list[str], env: dict[str, str], tmp: Path) -> tuple[int, str, str, float]:
    """Run `args`; its exit status, stdout, stderr and its own peak RSS in MB."""
    peak = tmp / "peak.txt"
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, str(peak), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    return done.returncode, done.stdout, done.stderr, int(peak.read_text()) / 1024


def test_the_cli_on_every_hostile_page_stays_small_and_never_traces(tmp_path):
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path)}
    peaks = {}
    for name, expected in sorted(EXPECTED.items()):
        args = [str(DAOSHOU), "extract", str(HOSTILE / name), "--json"]
        code, out, err, peaks[name] = _run_measured(args, env, tmp_path)
        assert code == 0 and "Traceback" not in err, (name, err)
        price = json.loads(out)["price"]
        assert (Decimal(price) if price is not None else None) == expected, name
    worst = max(peaks, key=peaks.__getitem__)
    print(f"peak RSS {peaks[worst]:.0f} MB ({worst})")
    assert peaks[worst] < PEAK_LIMIT_MB, worst


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "page.html"
    os.mkfifo(fifo)
    with pytest.raises(ExtractionInputError, match="not a regular file"):
        read_page_file(fifo)


def test_a_device_is_refused_without_reading_it():
    with pytest.raises(ExtractionInputError, match="not a regular file"):
        read_page_file(Path("/dev/zero"))


def test_a_file_past_the_cap_is_refused_before_it_is_parsed(tmp_path):
    big = tmp_path / "big.html"
    with big.open("wb") as handle:
        handle.write(b"<html><body>")
        handle.truncate(MAX_INPUT_BYTES + 10)
    with pytest.raises(ExtractionInputError, match="larger than"):
        read_page_file(big)


@pytest.mark.parametrize("path", ["/dev/zero", "FIFO"])
def test_the_cli_refuses_special_files_in_one_line(tmp_path, path):
    if path == "FIFO":
        path = str(tmp_path / "fifo")
        os.mkfifo(path)
    env = {**os.environ, "DAOSHOU_HOME": str(tmp_path)}
    for command in (["extract", path], ["plan", path]):
        done = subprocess.run(
            [str(DAOSHOU), *command], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode != 0 and "not a regular file" in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
