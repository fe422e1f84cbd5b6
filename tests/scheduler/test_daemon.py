"""`daoshou run` as a real process: SIGTERM stops it cleanly, SIGKILL loses nothing."""

import signal
import sqlite3
from contextlib import closing

from tracker.store import db

from .conftest import start_daoshou_run, wait_until

COLUMNS = "id, listing_id, observed_at, price, currency, title, source, reason"


def _observations(path):
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
        return conn.execute(f"SELECT {COLUMNS} FROM observation ORDER BY id").fetchall()  # noqa: S608


def _at_least(count, rows):
    return rows if len(rows) >= count else None


def test_sigterm_stops_the_service_cleanly(add_products, home):
    add_products(2)
    process = start_daoshou_run(home)
    database = home / "data" / "daoshou.sqlite"
    wait_until(lambda: len(_observations(database)) >= 2, what="the first checks")
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()
    assert b"stopped" in err
    assert "tracker service stopped" in (home / "logs" / "daoshou-run.log").read_text()


def test_sigkill_mid_run_loses_no_committed_observation(add_products, home, repo):
    listings = add_products(60)
    database = home / "data" / "daoshou.sqlite"
    process = start_daoshou_run(home)
    try:
        seen = wait_until(lambda: _at_least(10, _observations(database)), what="ten checks")
    finally:
        process.kill()
        process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    after = _observations(database)
    assert after[: len(seen)] == seen, "a committed observation changed or vanished"
    assert len(after) < len(listings), "the kill should land mid-run"
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        orphans = conn.execute(
            "SELECT count(*) FROM observation o WHERE NOT EXISTS"
            " (SELECT 1 FROM fetchattempt a WHERE a.listing_id = o.listing_id)"
        ).fetchone()
        assert orphans == (0,)
    # The store is usable, and a restarted service carries on with the remaining listings.
    db.dispose_engines()
    assert len(repo.history(listings[0].id)) <= 1
    process = start_daoshou_run(home)
    try:
        wait_until(lambda: len(_observations(database)) >= len(listings), what="the rest")
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=60)
    assert process.returncode == 0
    assert {row[1] for row in _observations(database)} == {v.id for v in listings}


def test_a_second_daoshou_run_stands_by_and_takes_over(add_products, home, repo):
    [first_listing] = add_products(1)
    database = home / "data" / "daoshou.sqlite"
    log_file = home / "logs" / "daoshou-run.log"
    first = start_daoshou_run(home)
    second = None
    try:
        wait_until(lambda: _observations(database), what="the first service to check")
        second = start_daoshou_run(home)
        wait_until(lambda: "standing by" in log_file.read_text(), what="the second to stand by")
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=60)
        assert first.returncode == 0
        # Only a service that took over schedules (and checks) a listing added now.
        [late] = add_products(1)
        # Its first check is spread over its one-minute interval.
        wait_until(lambda: repo.history(late.id), 150, "the second service to take over")
        assert len(repo.history(first_listing.id)) >= 1
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.communicate(timeout=60)
    assert second.returncode == 0


def test_sigterm_during_a_stuck_check_logs_no_traceback(shop, add_products, home):
    [listing] = add_products(1)
    slug = listing.url.rsplit("/", 1)[1]
    shop.fault(slug, "timeout", count=5, seconds=60)
    process = start_daoshou_run(home)
    wait_until(lambda: any(r.path.endswith(slug) for r in shop.log()), what="the check to start")
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=90)
    assert process.returncode == 0, stderr
    log = (home / "logs" / "daoshou-run.log").read_text()
    assert "Traceback" not in log and "CancelledError" not in log, log
    assert "Traceback" not in stderr.decode()
