"""One checking service per store: the lock has one holder and dies with it."""

import time

from tracker import db
from tracker.service_lock import ServiceLock


def test_the_lock_has_one_holder_at_a_time(store_url):
    engine = db.open_engine(store_url)
    first, second = ServiceLock(engine), ServiceLock(engine)
    assert first.try_acquire() and first.held
    assert first.try_acquire()  # re-entrant for its holder
    assert not second.try_acquire() and not second.held
    first.release()
    # On PostgreSQL, releasing ends the holder's session and the server frees its lock as
    # that backend exits, a moment later (a standing-by service polls, so that is fine).
    assert _eventually(second.try_acquire)
    second.release()
    assert not second.held


def _eventually(attempt, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not attempt():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
