"""One checking service per store: the lock has one holder and dies with it."""

from tracker.checks.service_lock import ServiceLock
from tracker.store import db


def test_the_lock_has_one_holder_at_a_time(store_url):
    engine = db.open_engine(store_url)
    first, second = ServiceLock(engine), ServiceLock(engine)
    assert first.try_acquire() and first.held
    assert first.try_acquire()  # re-entrant for its holder
    assert not second.try_acquire() and not second.held
    first.release()
    assert second.try_acquire()  # released at once, not when the holder's backend exits
    second.release()
    assert not second.held
