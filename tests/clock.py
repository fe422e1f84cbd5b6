"""The fixed day the suite plans on: the planner never reads the clock, so tests pass one."""

from datetime import date

TODAY = date(2026, 11, 21)
