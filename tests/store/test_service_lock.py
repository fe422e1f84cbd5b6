"""One tracker service per store: the lock refuses a second holder and dies with the first."""

import pytest

from tracker import db
from tracker.errors import StoreError
from tracker.service_lock import ServiceLock


def test_a_second_service_is_refused_until_the_first_stops(store_url):
    engine = db.open_engine(store_url)
    with ServiceLock(engine):
        with pytest.raises(StoreError) as info, ServiceLock(engine):
            pass
        assert "already checking" in info.value.one_line()
    with ServiceLock(engine):
        pass
