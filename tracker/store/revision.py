"""The schema revision this code reads and writes, known without importing anything.

`tracker.store.migrations` upgrades a store to it (and a test checks that it is the newest
revision in `migrations/versions/`); the standard-library reader reads only a store that
is at it.
"""

HEAD_REVISION = "0006"
