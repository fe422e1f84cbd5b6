"""Prices in, alerts out: fetch shop pages, extract prices, store them, schedule checks.

`tracker` never imports `tui` (nor Textual or Rich); it may use `planner`'s pure values.
"""
