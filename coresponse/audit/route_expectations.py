"""Expected statuses of the audit routes (see security/routewalk.py)."""

from __future__ import annotations

from coresponse.security.routewalk import Route, expect

ROUTES = [
    Route(
        "audit:search",
        query="username=clinician",
        get=expect(403, supervisor=200, administrator=200),
    ),
]
