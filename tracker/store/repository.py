"""The tracker's use-cases on the store: the one place that opens sessions for them.

`Repository` is the one public entry; its parts are split by what they own:

    listings.py   products and listings (add, find, pause, list, statuses); the engine
    history.py    reads of a listing's observations, daily roll-up, latest per listing
    recording.py  a check's writes in one transaction, and bulk history imports

Every method is one unit of work (one session, one transaction) and returns frozen
snapshots from `tracker.store.views`, never live rows.
"""

from __future__ import annotations

from tracker.store.history import HistoryReads
from tracker.store.listings import name_from_title
from tracker.store.recording import CheckRecording

__all__ = ["Repository", "name_from_title"]


class Repository(CheckRecording, HistoryReads):
    """The tracker's store. Built on an engine; by default the user's own database."""
