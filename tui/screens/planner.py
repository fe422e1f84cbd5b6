"""PlannerScreen."""
from tui.screens.base import DaoshouScreen


class PlannerScreen(DaoshouScreen):
    """Temporary."""
