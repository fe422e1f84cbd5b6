"""The nightly forecast refresh, registered with the tracker service when imported.

Listed in `tracker.scheduler.JOB_PROVIDERS`, this module adds one periodic job: every night
it forecasts each active listing's coming sales. It is cheap on quiet nights because
forecasts whose inputs did not change are skipped (see `tracker.forecasts`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine

from tracker.forecasts import refresh_forecasts, user_calendar
from tracker.scheduler import register_periodic_job

JOB_ID = "forecast-refresh"
NIGHTLY = CronTrigger(hour=3, minute=30, jitter=900)  # local time, after most price checks
FORECAST_WORKERS = 2

log = logging.getLogger("daoshou.forecasts")


def refresh_all_forecasts(engine: Engine) -> None:
    """Forecast the coming sales of every listing in the service's store (`engine`); runs
    in a worker thread of the service."""
    summary = refresh_forecasts(engine, user_calendar(), datetime.now(UTC).date(), FORECAST_WORKERS)
    log.info("forecasts: %d made, %d unchanged", summary.made, summary.skipped)
    for failure in summary.failed:
        log.warning("forecast failed: %s", failure)


register_periodic_job(JOB_ID, refresh_all_forecasts, NIGHTLY)
