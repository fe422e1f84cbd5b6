"""The user's signed-in browser sessions: one Chrome/Chromium profile per platform.

A plain fetch of JD, Tmall, Taobao, Pinduoduo or Douyin mostly meets a login wall; the
real price is what the shopper's own signed-in browser shows. So `daoshou browser login
jd` opens a visible window on a profile daoshou owns (`locations.browser_profile_dir`),
the shopper signs in there, and later checks of that platform's listings render through
the same profile, headless. daoshou never signs in and never solves a captcha: when the
session has expired, the check says so and the shopper signs in again.

Beside each profile a small `session.json` records what daoshou saw: when the window was
last opened to sign in, when a check through the profile last worked and when one last
met a login wall. `daoshou browser status` and the app's settings screen read it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracker import locations
from tracker.platforms import SIGN_IN_URLS, platform_name

__all__ = [
    "BROWSER_PLATFORMS",
    "SessionStatus",
    "has_profile",
    "record_session",
    "session_status",
    "session_statuses",
    "signed_out_message",
]

log = logging.getLogger("daoshou.sessions")

#: The platforms a signed-in profile can be made for, in the order status lists them.
BROWSER_PLATFORMS = tuple(SIGN_IN_URLS)
_EVENTS = ("signed_in_at", "working_at", "signed_out_at")


@dataclass(frozen=True)
class SessionStatus:
    """What daoshou knows of one platform's profile (times are UTC ISO 8601, or None)."""

    platform: str
    profile: bool
    state: str  # none | unchecked | working | signed out
    signed_in_at: str | None = None
    working_at: str | None = None
    signed_out_at: str | None = None
    detail: str | None = None

    def as_json(self) -> dict[str, object]:
        """The status as `daoshou browser status --json` prints it."""
        return asdict(self)


def has_profile(platform: str) -> bool:
    """Whether a profile exists for `platform` (the user ran `daoshou browser login`)."""
    profile = locations.browser_profile_dir(platform, create=False)
    return profile.is_dir() and any(profile.iterdir())


def signed_out_message(platform: str) -> str:
    """What a check says when the platform's session no longer works."""
    return f"signed out of {platform_name(platform, 'en')}: run `daoshou browser login {platform}`"


def record_session(platform: str, event: str, detail: str | None = None) -> None:
    """Note that the profile was just opened to sign in, worked, or met a login wall.

    A state file that cannot be written only loses this note; the check it describes is
    stored elsewhere, so the failure is logged and not raised.
    """
    if event not in _EVENTS:
        raise ValueError(f"unknown session event {event!r}")
    path = locations.browser_session_file(platform)
    state = _read(path)
    state[event] = datetime.now(UTC).isoformat(timespec="seconds")
    state["last_event"] = event  # breaks a tie between two events of the same second
    if event != "working_at":
        state["detail"] = detail
    try:
        locations.write_private(path, json.dumps(state, ensure_ascii=False))
    except OSError as exc:
        log.warning("could not note the %s session state in %s: %s", platform, path, exc)


def session_status(platform: str) -> SessionStatus:
    """The status of one platform's profile, from its state file."""
    state = _read(locations.browser_session_file(platform))
    times = {key: _text(state, key) for key in _EVENTS}
    last = state.get("last_event")
    seen = [(when, key == last, key) for key, when in times.items() if when]
    latest = max(seen)[2] if seen else None
    profile = has_profile(platform)
    if not profile:
        label = "none"
    elif latest == "signed_out_at":
        label = "signed out"
    else:  # working only if no sign-in happened since it last worked
        label = "working" if latest == "working_at" else "unchecked"
    detail = _text(state, "detail") if label == "signed out" else None
    return SessionStatus(platform, profile, label, **times, detail=detail)


def session_statuses() -> list[SessionStatus]:
    """The status of every platform's profile, in `BROWSER_PLATFORMS` order."""
    return [session_status(platform) for platform in BROWSER_PLATFORMS]


def _text(state: dict[str, object], key: str) -> str | None:
    """A string the state file holds under `key`; None for anything else (it is hand-editable)."""
    value = state.get(key)
    return value if isinstance(value, str) else None


def _read(path: Path) -> dict[str, object]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
