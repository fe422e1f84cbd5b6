"""Shared helpers for the forecaster's tests: the real price fixture and synthetic series."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from planner.forecast import PriceSeries, load_calendar, read_history_csv, series_from_points

FIXTURES = Path(__file__).parent.parent / "fixtures"
DAILY_CSV = FIXTURES / "prices" / "daily.csv"


@pytest.fixture(scope="session")
def calendar():
    return load_calendar()


@pytest.fixture(scope="session")
def daily(calendar):
    return read_history_csv(DAILY_CSV, calendar.platforms())


def steps(
    name: str,
    start: date,
    segments: list[tuple[int, str]],
    platform: str | None = None,
    currency: str = "CNY",
) -> PriceSeries:
    """A step-shaped series: each segment is (days, price)."""
    points = []
    day = start
    for length, price in segments:
        for _ in range(length):
            points.append((day, Decimal(price)))
            day += timedelta(days=1)
    return series_from_points(name, points, currency, platform)
