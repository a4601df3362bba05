"""Enforce the session limits and the second factor on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from coresponse.accounts.sessions import (
    ACTIVITY_RESOLUTION_SECONDS,
    ENDED_REASON,
    LAST_SEEN_AT,
    session_expiry,
)


class SessionSecurityMiddleware:
    """Log out sessions past 30 minutes idle or 12 hours old, or without a second factor.

    Runs after django-otp's middleware: a session whose user is authenticated but not
    verified by a device (for example a session created by another code path) is ended,
    so nothing person-level is reachable before the second factor.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = session_expiry(request.session, now)
            if reason is None and not user.is_verified():
                reason = "disabled"
            if reason is not None:
                logout(request)
                request.session[ENDED_REASON] = reason
            elif now - request.session[LAST_SEEN_AT] >= ACTIVITY_RESOLUTION_SECONDS:
                # Recorded at most once a minute: saving the session on every request would
                # cost a database write per page. A session therefore ends after 29 to 30
                # minutes without activity, never later.
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)
