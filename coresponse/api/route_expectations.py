"""Expected statuses of the REST API routes for every persona (see security/routewalk.py)."""

from __future__ import annotations

from coresponse.security.routewalk import Route, expect

PERSON_LEVEL = {"clinician": 200, "supervisor": 200, "officer": 200, "liaison": 200}

ROUTES = [
    Route("api:api-root", get=expect(200)),
    Route("api:schema", get=expect(200)),
    # Lists answer every staff member, cut to what they may see (empty for aggregate roles).
    Route("api:encounter-list", get=expect(200)),
    Route("api:person-list", get=expect(200)),
    Route("api:encounter-detail", kwargs={"pk": "encounter"}, get=expect(404, **PERSON_LEVEL)),
    Route("api:person-detail", kwargs={"pk": "person"}, get=expect(404, **PERSON_LEVEL)),
]
