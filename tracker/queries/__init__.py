"""Read models for the app and the command line: aggregated SQL in, frozen rows out.

    watchlist.py       every watched product with its best price, trend and forecast
    watch_rows.py      the watchlist's rows as plain values (no SQLAlchemy), built from
                       either reader's rows
    watchlist_sqlite.py  the watchlist's rows from a SQLite store through sqlite3 alone,
                       for the app's first paint; None when it cannot answer exactly
    product_detail.py  one product's listings, history, rules and purchases
    alert_inbox.py     fired alerts with how their deliveries went

Nothing here writes to the store (an import contract in pyproject.toml keeps the write
path out of reach). Carts are planned by `tracker.plans`, which may write.
"""
