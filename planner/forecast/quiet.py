"""Prophet, imported without a word on the user's terminal.

Prophet logs an ERROR about plotly when imported and cmdstanpy logs two INFO lines per
fit, through their own handlers. daoshou's terminal app and JSON output must stay clean,
so both loggers are silenced at the logger level before the import; stdout is never
redirected (that would hide the user's own output too, and is not thread-safe).
"""

from __future__ import annotations

import logging
from types import ModuleType

_NOISY_LOGGERS = ("prophet", "prophet.plot", "prophet.models", "cmdstanpy")


def silence_model_loggers() -> None:
    """Drop everything prophet and cmdstanpy log; daoshou reports failures itself."""
    for name in _NOISY_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())


def import_prophet() -> ModuleType:
    """The `prophet` module, imported lazily (it is slow to load) and quietly."""
    silence_model_loggers()
    import prophet

    silence_model_loggers()  # cmdstanpy may have added its handler while importing
    return prophet
