"""A fingerprint of a price history that changes only when the forecast's evidence does.

Most listings record the same price night after night. A hash of every (day, price) pair
changes with each such day, so every listing would be refit every night. What the
forecast rests on is coarser: the price levels and when they started (a step function),
and which sale days the history has seen. This fingerprint covers exactly those:

- a new day at the current price extends the last level: the fingerprint is unchanged;
- a new price level (a step up or down, also back to an earlier price) changes it;
- a sale day newly observed (a calendar sale day inside the history with a price on it,
  or the day after, as the backtest reads it) changes it, even when the price held;
- so does the target sale, the platform, the model's version, or the history growing
  past the fallback's minimum length (`MIN_HISTORY_DAYS`).

Days missing between two observations of the same price do not start a new level.
What it leaves out on purpose: the distance to the target sale (the forecast is a ratio
on the last price, and a day closer changes it by little; the nightly job refits anyway
when the stored forecast's horizon has shrunk by a week, see `needs_refit`), and the
comparable listings' outcomes a short history borrows (they are measured at that
horizon, so they move a little every night; the weekly refit takes them in).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from planner.forecast.calendar import Occurrence
from planner.forecast.forecaster import MIN_HISTORY_DAYS, MODEL_VERSION
from planner.forecast.history import PriceSeries

REFIT_HORIZON_DAYS = 7  # refit when the sale came this many days closer since the last fit


def price_levels(series: PriceSeries) -> list[tuple[date, str]]:
    """The step function: (first day, price) of every run of equal prices."""
    levels: list[tuple[date, str]] = []
    for day, price in zip(series.days, series.prices, strict=True):
        text = f"{price.normalize():f}"  # 10.00 and 10 are one level, written "10"
        if not levels or levels[-1][1] != text:
            levels.append((day, text))
    return levels


def seen_sale_days(series: PriceSeries, sale_days: Iterable[date]) -> list[date]:
    """The sale days inside the history whose price was observed (as the forecast reads them)."""
    if not series.days:
        return []
    return sorted(
        {
            day
            for day in sale_days
            if series.first_day <= day <= series.last_day
            and series.price_on(day, stale_days=1) is not None
        }
    )


def history_fingerprint(
    series: PriceSeries,
    sale_days: Iterable[date],
    target: Occurrence | None = None,
) -> str:
    """A digest that changes only on a new price level, a new sale day, or a new target."""
    digest = hashlib.sha256(f"{MODEL_VERSION}|{series.platform}|{series.currency}".encode())
    if target is not None:
        digest.update(f"|{target.key}|{target.day}".encode())
    for day, price in price_levels(series):
        digest.update(f"L{day.toordinal()}:{price};".encode())
    for day in seen_sale_days(series, sale_days):
        digest.update(f"S{day.toordinal()};".encode())
    digest.update(f"long={series.history_days >= MIN_HISTORY_DAYS}".encode())
    return digest.hexdigest()[:32]


def stored_key(fingerprint: str, as_of: date) -> str:
    """What a forecast record keeps: the fingerprint and the history's last day it saw.

    The day is kept beside the fingerprint (which leaves it out on purpose) so that
    `needs_refit` can tell when the horizon has shrunk enough to fit again.
    """
    return f"{fingerprint}@{as_of.isoformat()}"


def read_stored_key(text: str | None) -> tuple[str | None, date | None]:
    """(fingerprint, as-of day) from a record; (None, None) for anything else, such as a
    record written before fingerprints, which is then refit once."""
    fingerprint, _, day = (text or "").partition("@")
    try:
        return fingerprint, date.fromisoformat(day)
    except ValueError:
        return None, None


def needs_refit(
    stored: str | None, current: str, stored_as_of: date | None, last_day: date
) -> bool:
    """Whether a listing's stored forecast must be made again tonight.

    Yes when nothing is stored, the fingerprint moved, or the history's last day is a
    week or more past the stored forecast's (the horizon the outcomes are measured at has
    changed enough to matter); otherwise the stored forecast stands.
    """
    if stored is None or stored_as_of is None or stored != current:
        return True
    return (last_day - stored_as_of).days >= REFIT_HORIZON_DAYS
