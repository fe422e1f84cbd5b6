"""Prophet's estimate of a sale's effect on a listing's price.

Prophet is fitted on the log price with the sale calendar as holidays (one coefficient set
per event family, with the sale window), no seasonalities, and flexible changepoints so
the trend absorbs the listing's permanent steps instead of blaming them on sales. From
the fit only the holiday component is used: its value on the sale day minus its value on
the cut day is the event's effect in log space. The level stays the last observed price,
because extrapolating a trend through a step function draws a wavy line nobody pays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from planner.forecast.calendar import Occurrence
from planner.forecast.history import PriceSeries
from planner.forecast.quiet import import_prophet

if TYPE_CHECKING:
    import pandas as pd

FIT_DAYS = 2 * 365  # older history adds fit time but little about the coming sale
MAX_WINDOW_BEFORE = 3  # days of the target's sale window modelled before / after its day
MAX_WINDOW_AFTER = 1
CHANGEPOINT_PRIOR = 0.5
HOLIDAY_PRIOR = 0.5


def event_effect(
    series: PriceSeries, target: Occurrence, occurrences: Sequence[Occurrence]
) -> float | None:
    """log(price on the sale day / price on the cut day) as Prophet's holidays see it.

    None when the history has no earlier sale of the target's family inside the fitted
    span (Prophet would return an unidentified, zero-prior coefficient).
    """
    import pandas as pd

    cut = series.last_day
    start = max(series.first_day, cut - timedelta(days=FIT_DAYS))
    holidays = _holidays(occurrences, start, target)
    if not any(h["holiday"] == target.family and h["ds"] < pd.Timestamp(cut) for h in holidays):
        return None
    frame = _daily_log_prices(series, start)
    prophet = import_prophet()
    model = prophet.Prophet(
        growth="linear",
        n_changepoints=min(25, max(1, len(frame) // 20)),
        changepoint_range=1.0,
        changepoint_prior_scale=CHANGEPOINT_PRIOR,
        holidays=pd.DataFrame(holidays),
        holidays_prior_scale=HOLIDAY_PRIOR,
        yearly_seasonality=False,
        weekly_seasonality=False,
        daily_seasonality=False,
        uncertainty_samples=0,
    )
    model.fit(frame, algorithm="LBFGS")
    future = pd.DataFrame({"ds": pd.to_datetime([cut, target.day])})
    parts = model.predict(future)
    effect = float(parts["holidays"].iloc[1] - parts["holidays"].iloc[0])
    return effect if math.isfinite(effect) else None


def _holidays(
    occurrences: Sequence[Occurrence], start: date, target: Occurrence
) -> list[dict[str, object]]:
    """Prophet's holiday table: every sale day in the fitted span, named by family.

    Only the target's family gets a window (each window day is one more regressor, and
    the fit's cost grows with them); other sales enter as their main day, enough to keep
    their effect out of the trend.
    """
    import pandas as pd

    rows = []
    for occ in [*occurrences, target]:
        if occ.day < start or occ.day > target.day:
            continue
        sale = occ.window("sale") if occ.family == target.family else None
        lower = max(-MAX_WINDOW_BEFORE, min(0, sale.start if sale else 0))
        upper = min(MAX_WINDOW_AFTER, max(0, sale.end if sale else 0))
        rows.append(
            {
                "holiday": occ.family,
                "ds": pd.Timestamp(occ.day),
                "lower_window": lower,
                "upper_window": upper,
            }
        )
    unique = {(r["holiday"], r["ds"]): r for r in rows}
    return list(unique.values())


def _daily_log_prices(series: PriceSeries, start: date) -> pd.DataFrame:
    import pandas as pd

    observed = pd.Series(
        [math.log(float(p)) for p in series.prices], index=pd.to_datetime(list(series.days))
    )
    observed = observed[observed.index >= pd.Timestamp(start)]
    daily = observed.resample("D").last().ffill(limit=7)
    return daily.dropna().rename("y").rename_axis("ds").reset_index()
