"""The outbox delivery job of the long-running service (`daoshou run`).

The scheduler imports this module through its `JOB_PROVIDERS`; importing it registers
the outbox delivery as a periodic job, every `DELIVERY_SECONDS`. A pass with nothing due
is one indexed query, so the short period costs nothing, and an alert leaves a couple of
seconds after the check that raised it was committed, or right after a restart.

APScheduler logs two INFO lines for every job run; at this period that would be some
80,000 lines a day in the service log, so its executor logger is kept at WARNING (a job
that fails is still logged, and the checks log their own outcome).
"""

from __future__ import annotations

import logging

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from tracker.alerts.outbox import deliver_pending
from tracker.scheduler import register_periodic_job

DELIVERY_SECONDS = 2
JOB_ID = "deliver-alerts"


def deliver_job(engine: Engine) -> None:
    """One delivery pass on the service's store, with the user's language and retries."""
    deliver_pending(engine)


logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)
register_periodic_job(JOB_ID, deliver_job, IntervalTrigger(seconds=DELIVERY_SECONDS))
