"""Server-side session limits: 30 minutes idle, 12 hours absolute (SECURITY.md 11)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings

STARTED_AT = "coresponse_session_started_at"
LAST_SEEN_AT = "coresponse_session_last_seen_at"
ENDED_REASON = "coresponse_session_ended"
# How stale the recorded last activity may be (the idle clock's resolution).
ACTIVITY_RESOLUTION_SECONDS = 60

IDLE = "idle"
ABSOLUTE = "absolute"
DISABLED = "disabled"

ENDED_MESSAGES = {
    IDLE: "You were logged out after 30 minutes without activity.",
    ABSOLUTE: "You were logged out: a session lasts at most 12 hours.",
    DISABLED: "Your session ended. Log in again.",
}


def start_session_clock(session: Any) -> None:
    now = time.time()
    session[STARTED_AT] = now
    session[LAST_SEEN_AT] = now


def session_expiry(session: Any, now: float) -> str | None:
    """Why a session must end now, or None while it is still valid."""
    started = session.get(STARTED_AT)
    last_seen = session.get(LAST_SEEN_AT)
    if started is None or last_seen is None:
        return DISABLED
    if now - last_seen > settings.SESSION_IDLE_TIMEOUT_SECONDS:
        return IDLE
    if now - started > settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS:
        return ABSOLUTE
    return None
