"""Checking listings: one check, its lease and outcome, and the service that schedules them.

check.py         Checker: fetch, extract, sanity-check and store one listing
pages.py         a check's pages: HTTP fetch or browser render, paced per host
reading.py       a page read into an observation; an implausible price confirmed
lease.py         one check of a listing at a time, across processes
outcome.py       what one check did, for its callers
scheduler.py     TrackerService (`daoshou run`): listing checks plus the periodic jobs
                 its starter hands it
service_lock.py  one checking service per store
forecasts.py     forecasts for tracked listings: history out of the store, forecasts in
forecast_job.py  the nightly forecast refresh, as a periodic job
jobs.py          the service's periodic jobs, listed where they are chosen
"""
