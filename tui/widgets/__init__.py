"""Reusable widgets: they display what they are given and post messages up.

Widgets never import screens or the app (an import contract in pyproject.toml).
"""
