"""Pure decisions over plain typed values: promotions, costs, the cart optimiser, forecasts.

`planner` imports neither `tracker` nor `tui`, so every function here can be tested and
reused without a database, a network or a screen.
"""
