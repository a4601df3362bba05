"""Expected statuses of the call pages for every persona (see security/routewalk.py).

Call volumes (aggregates, suppressed for those outside the department) are for anyone with
a department in scope; repeat calls (addresses, people) for the department's own clinical
and police staff; the rules are changed by administrators and supervisors.
"""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect


def make_department(place: Place) -> int:
    return int(place.department.pk)


def make_rule(place: Place) -> int:
    from coresponse.dispatch.models import MentalHealthRule

    return MentalHealthRule.objects.create(
        department=place.department, field="any_call_type", match="exact", pattern="DISTURBANCE"
    ).pk


RECORDS = {"call_department": make_department, "mental_health_rule": make_rule}

DEPARTMENT_STAFF = {"clinician": 200, "supervisor": 200, "officer": 200, "liaison": 200}
ROUTES = [
    Route(
        "calls:trend",
        get=expect(200, ttac=403),
    ),
    Route("calls:repeat", get=expect(403, outsider=200, **DEPARTMENT_STAFF)),
    Route(
        "calls:rules",
        kwargs={"department_pk": "call_department"},
        get=expect(404, analyst=200, administrator=200, **DEPARTMENT_STAFF),
        foreign_department=expect(404, analyst=200, administrator=200),
    ),
    Route(
        "calls:rule_add",
        kwargs={"department_pk": "call_department"},
        get=expect(405),
        # An empty form: the page again, with what to fill in.
        post=expect(404, supervisor=200, administrator=200),
        foreign_department=expect(404, administrator=200),
    ),
    Route(
        "calls:rule_delete",
        kwargs={"pk": "mental_health_rule"},
        get=expect(405),
        post=expect(404, supervisor=302, administrator=302),
        foreign_department=expect(404, administrator=302),
    ),
]
