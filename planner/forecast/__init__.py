"""The forecaster: sale-day prices with honest uncertainty, buy-or-wait, fake discounts.

Pure: it works on `PriceSeries` values and the sale `Calendar`; storage and the command
line live elsewhere (`tracker.checks.forecasts`, `tui.cli.forecast`).
"""

from planner.forecast.calendar import Calendar, Occurrence, Window, load_calendar
from planner.forecast.forecaster import Forecast, forecast, inputs_hash
from planner.forecast.history import PriceSeries, read_history_csv, series_from_points

__all__ = [
    "Calendar",
    "Forecast",
    "Occurrence",
    "PriceSeries",
    "Window",
    "forecast",
    "inputs_hash",
    "load_calendar",
    "read_history_csv",
    "series_from_points",
]
