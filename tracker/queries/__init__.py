"""Read models for the app and the command line: aggregated SQL in, frozen rows out.

    watchlist.py       every watched product with its best price, trend and forecast
    product_detail.py  one product's listings, history, rules and purchases
    alert_inbox.py     fired alerts with how their deliveries went

Nothing here writes to the store (an import contract in pyproject.toml keeps the write
path out of reach). Carts are planned by `tracker.plans`, which may write.
"""
