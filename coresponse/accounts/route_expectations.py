"""Expected statuses of the account routes for every persona (see security/routewalk.py)."""

from __future__ import annotations

from coresponse.security.routewalk import Route, expect

ROUTES = [
    Route(
        "accounts:login",
        public=True,
        get=expect(302, anonymous=200),
        reason="The log-in page; a logged-in user is sent on.",
    ),
    Route(
        "accounts:mfa",
        public=True,
        get=expect(302),
        reason="Second step of log-in; without a pending password step it goes back to step 1.",
    ),
    Route(
        "accounts:mfa_enrol",
        public=True,
        get=expect(302),
        reason="Authenticator enrolment at first log-in; needs a pending password step.",
    ),
    Route(
        "accounts:logout",
        public=True,
        get=expect(405),
        post=expect(200),
        reason="Log-out works after the session expired; its page wipes the device's drafts.",
    ),
    Route("accounts:password_change", get=expect(200)),
    Route(
        "accounts:break_glass",
        get=expect(403, clinician=200, supervisor=200, outsider=200),
        post=expect(403, clinician=200, supervisor=200, outsider=200),
    ),
    Route(
        "accounts:break_glass_open",
        get=expect(405),
        post=expect(302),  # an empty form goes back to the search page
    ),
    Route("accounts:break_glass_log", get=expect(403, supervisor=200, administrator=200)),
]
