"""The periodic jobs of the checking service, as values its starter hands it.

`daoshou run` (and the app, when it runs the service in process) builds the list with
`service_jobs()` and passes it to `TrackerService`; nothing registers itself by being
imported. A job is a function of one argument, the engine of the service that runs it
(coroutine functions run on the loop, plain ones in a thread), so a service built over
another store delivers and refreshes against that store, never the user's default one.

- `deliver-alerts`: one outbox delivery pass right after the service stores checks (an
  alert leaves a second or so after the check that raised it was committed), and every
  `DELIVERY_SECONDS` for retries and alerts raised by other processes (`daoshou check`
  delivers its own at once), and right after a restart. An idle service pays a pass
  (one indexed query) only that often.
- `forecast-refresh`, nightly: forecast each active listing's coming sales. Cheap on
  quiet nights: a listing is refit only when its history's fingerprint moved (a new price
  level, a newly seen sale day, another target) or the sale came a week closer, never
  because one more identical day was recorded (`planner.forecast.fingerprint.needs_refit`,
  applied by `tracker.checks.nightly.refresh_forecasts`, which shares the parts of the
  listings between the processes that run it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from tracker.alerts.outbox import deliver_pending
from tracker.checks.forecasts import user_calendar
from tracker.checks.nightly import refresh_forecasts

DELIVERY_SECONDS = 5
NIGHTLY = CronTrigger(hour=3, minute=30, jitter=900)  # local time, after most price checks
FORECAST_WORKERS = 2

log = logging.getLogger("daoshou.forecasts")


@dataclass(frozen=True)
class PeriodicJob:
    """A job the service runs besides listing checks (a forecast refresh, the outbox)."""

    job_id: str
    func: Callable[[Engine], object]
    trigger: BaseTrigger
    # Also run within a dispatch tick of checks this service stored (alert delivery: an
    # alert leaves right after the check that raised it, so the period can be long).
    after_checks: bool = False


def deliver_alerts(engine: Engine) -> None:
    """One delivery pass on the service's store, with the user's language and retries."""
    deliver_pending(engine)


def refresh_all_forecasts(engine: Engine) -> None:
    """Forecast the coming sales of every listing in the service's store (`engine`); runs
    in a worker thread of the service."""
    summary = refresh_forecasts(engine, user_calendar(), datetime.now(UTC).date(), FORECAST_WORKERS)
    log.info("forecasts: %d refit, %d kept (evidence unchanged)", summary.made, summary.skipped)
    for failure in summary.failed:
        log.warning("forecast failed: %s", failure)


def service_jobs() -> list[PeriodicJob]:
    """The periodic jobs of `daoshou run`: alert delivery and the nightly forecasts."""
    return [
        PeriodicJob(
            "deliver-alerts",
            deliver_alerts,
            IntervalTrigger(seconds=DELIVERY_SECONDS),
            after_checks=True,
        ),
        PeriodicJob("forecast-refresh", refresh_all_forecasts, NIGHTLY),
    ]
