import os
from datetime import date

import pytest

from planner.errors import ForecastError
from planner.forecast import load_calendar


def test_double11_on_tmall_has_presale_windows(calendar):
    [occ] = [
        o
        for o in calendar.occurrences("tmall", date(2026, 1, 1), date(2026, 12, 31))
        if o.event_key == "double11"
    ]
    assert occ.day == date(2026, 11, 11)
    assert occ.key == "double11-2026"
    assert occ.window("deposit") is not None
    assert occ.window("final_payment") is not None
    assert occ.sale_start == date(2026, 10, 31)


def test_every_big_sale_exists_from_2016_to_2040(calendar):
    for platform, key in [
        ("jd", "618"),
        ("tmall", "double12"),
        ("taobao", "38"),
        ("jd", "nianhuo"),
        ("amazon", "prime-day"),
        ("amazon", "black-friday"),
    ]:
        years = {o.day.year for o in calendar.occurrences(platform) if o.event_key == key}
        assert years == set(range(2016, 2041)), (platform, key)


def test_monthly_double_days_on_southeast_asian_shops(calendar):
    for platform in ("shopee", "lazada", "tiki"):
        days = [
            o.day
            for o in calendar.occurrences(platform, date(2025, 1, 1), date(2025, 12, 31))
            if o.family == "double-day"
        ]
        assert days == [date(2025, m, m) for m in range(1, 13)]


def test_weekday_rule_and_explicit_dates(calendar):
    black_fridays = {o.day for o in calendar.occurrences("amazon") if o.event_key == "black-friday"}
    assert date(2026, 11, 27) in black_fridays  # the day after the 4th Thursday
    assert date(2023, 11, 24) in black_fridays
    prime = {o.day for o in calendar.occurrences("amazon") if o.event_key == "prime-day"}
    assert date(2020, 10, 13) in prime  # the pandemic year's October Prime Day


def test_a_platform_without_the_event_does_not_get_it(calendar):
    assert not [o for o in calendar.occurrences("steam") if o.event_key == "double11"]


@pytest.mark.parametrize(
    ("spec", "today", "expected"),
    [
        ("11.11", date(2026, 11, 21), date(2027, 11, 11)),
        ("11.11", date(2026, 11, 1), date(2026, 11, 11)),
        ("2026-06-18", date(2026, 1, 1), date(2026, 6, 18)),
        ("double11", date(2026, 11, 12), date(2027, 11, 11)),
        ("双十一", date(2026, 1, 1), date(2026, 11, 11)),
    ],
)
def test_resolve_what_the_user_means(calendar, spec, today, expected):
    assert calendar.resolve(spec, "tmall", today).day == expected


def test_resolve_a_day_the_calendar_does_not_know(calendar):
    occ = calendar.resolve("2026-05-02", "jd", date(2026, 1, 1))
    assert occ.family == "day" and occ.day == date(2026, 5, 2)


@pytest.mark.parametrize("spec", ["blackest-friday", "13.40"])
def test_unknown_event_is_a_one_line_error(calendar, spec):
    with pytest.raises(ForecastError) as info:
        calendar.resolve(spec, "tmall", date(2026, 1, 1))
    assert "\n" not in info.value.one_line()


def test_user_events_are_added(tmp_path):
    path = tmp_path / "events.toml"
    path.write_text(
        '[[event]]\nkey = "shop-anniversary"\nname_en = "Shop anniversary"\ndate = "09-15"\n'
        'years = [2025, 2027]\n  [[event.window]]\n  platforms = ["jd"]\n  sale = [-2, 0]\n',
        encoding="utf-8",
    )
    calendar = load_calendar(path)
    days = [o.day for o in calendar.occurrences("jd") if o.event_key == "shop-anniversary"]
    assert days == [date(2025, 9, 15), date(2026, 9, 15), date(2027, 9, 15)]


def test_a_broken_user_file_names_the_file(tmp_path):
    path = tmp_path / "events.toml"
    path.write_text('[[event]]\nkey = "x"\n', encoding="utf-8")
    with pytest.raises(ForecastError, match=r"events\.toml"):
        load_calendar(path)


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo"])
def test_an_events_path_that_is_no_file_is_a_one_line_error(tmp_path, kind):
    path = tmp_path / "events.toml"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # read, it would block until a writer came
    with pytest.raises(
        ForecastError, match=r"events\.toml (does not exist|is a directory|is not a regular)"
    ):
        load_calendar(path)


def test_a_day_near_a_known_sale_is_that_sale_moved(calendar):
    occ = calendar.resolve("2026-06-20", "jd", date(2026, 1, 1))
    assert occ.event_key == "618" and occ.day == date(2026, 6, 20)
