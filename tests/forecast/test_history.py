import os
from datetime import date
from decimal import Decimal

import pytest

from planner.errors import HistoryImportError
from planner.forecast import read_history_csv


def write(tmp_path, text):
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_real_fixture_reads_with_platforms(daily):
    assert len(daily) == 14
    steam = daily["steam-hollow-knight"]
    assert steam.platform == "steam" and steam.currency == "BRL"
    assert daily["shopee-br-8897653002"].platform == "shopee"
    assert all(isinstance(p, Decimal) for p in steam.prices[:10])


def test_date_price_alone_is_one_series(tmp_path):
    series = read_history_csv(write(tmp_path, "date,price\n2026-01-02,9.90\n2026-01-01,10\n"))
    [only] = series.values()
    assert only.days == (date(2026, 1, 1), date(2026, 1, 2))
    assert only.prices == (Decimal("10"), Decimal("9.90"))
    assert only.currency is None


def test_last_price_of_a_day_wins_and_gaps_go_stale(tmp_path):
    path = write(tmp_path, "date,price\n2026-01-01,10\n2026-01-01,12\n2026-01-20,11\n")
    [series] = read_history_csv(path).values()
    assert series.price_on(date(2026, 1, 1)) == Decimal(12)
    assert series.price_on(date(2026, 1, 5)) == Decimal(12)
    assert series.price_on(date(2026, 1, 15)) is None  # more than a week old: unknown


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("series,date,price,currency\na,2026-13-01,1,CNY\n", "line 2: date"),
        ("series,date,price,currency\na,2026-01-01,1,CNY\na,2026-01-02,abc,CNY\n", "line 3: price"),
        ("date,price\n2026-01-01,-5\n", "not a positive amount"),
        ("date,price\n2026-01-01,NaN\n", "not a positive amount"),
        ("series,date,price,currency\na,2026-01-01,1,CNY\na,2026-01-02,1,USD\n", "currency from"),
        ("series,date,price,currency\na,2026-01-01,1,yuan\n", "ISO code"),
        ("day,amount\n2026-01-01,1\n", "line 1: header lacks"),
        ("", "is empty"),
        ("series,date,price\n,2026-01-01,1\n", "empty series name"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, text, needle):
    path = write(tmp_path, text)
    with pytest.raises(HistoryImportError) as info:
        read_history_csv(path)
    assert needle in info.value.one_line()
    assert "history.csv" in info.value.one_line()


def test_missing_file(tmp_path):
    with pytest.raises(HistoryImportError, match=r"nope\.csv does not exist"):
        read_history_csv(tmp_path / "nope.csv")


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "history.csv"
    os.mkfifo(fifo)
    with pytest.raises(HistoryImportError, match="not a regular file"):
        read_history_csv(fifo)


def test_a_spreadsheets_gbk_export_reads_like_utf8(tmp_path):
    text = "series,date,price,currency\n京东-洗衣液,2026-01-01,39.90,CNY\n"
    path = tmp_path / "history.csv"
    path.write_bytes(text.encode("gbk"))
    series = read_history_csv(path)["京东-洗衣液"]
    assert series.prices == (Decimal("39.90"),)
    assert series.currency == "CNY"


def test_bytes_that_are_not_text_are_refused(tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(b"series,date,price\n\xff\xfe\x00\x81,2026-01-01,1\n")
    with pytest.raises(HistoryImportError, match="not UTF-8 or GBK text"):
        read_history_csv(path)
