"""The store: tables, the engine, migrations, the repository and its frozen views.

    tables.py      every table daoshou stores, and nothing else
    codec.py       how the column types store money, times and JSON (plain functions)
    revision.py    the schema revision this code reads and writes
    sqlite_reader.py  `daoshou list` and `history` from a SQLite store through sqlite3
                   alone (no SQLAlchemy to import); None when it cannot answer exactly
    db.py          the engine and its sessions (SQLite by default, PostgreSQL on request);
                   read_value / write_rows: one statement as one unit of work
    bulk.py        fill a fresh store with whole tables of plain rows (demo, benchmarks)
    migrations/    alembic revisions, run from code when a store is opened
    repository.py  the check path's units of work; returns frozen views, never live rows;
                   one class built from listings.py (products, listings, statuses; the
                   engine), history.py (a listing's observations, roll-up, latest) and
                   recording.py (a check's writes in one transaction, bulk imports)
    views.py       the frozen values the repository hands out and takes in

Nothing here fetches, extracts or alerts; callers above decide what to store.
"""
