"""The user-facing layers: the Textual app (screens and widgets) and the command line.

Both are thin: rules live in `planner`, data and I/O in `tracker`.
"""
