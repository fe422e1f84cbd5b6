"""Plans of carts against the store: the one use-case that prices a cart from tracked
listings (`plan_cart`), saved carts under the data directory, the edits the app makes to
them, and the re-planning that follows prices after every check.

It sits above alerts (a re-plan that moved raises "plan changed" through the outbox) and
below checks (a check that moved a listing in a saved cart re-plans it).
"""
