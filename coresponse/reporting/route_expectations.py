"""Expected statuses of the outcome routes (see security/routewalk.py).

Figures are aggregates: clinicians and supervisors see their programs and departments,
liaisons their department, the organization-wide analyst every department and program of
her organization (suppressed), nobody anything of another organization.
"""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect


def _department(place: Place) -> int:
    return int(place.department.pk)


def _program(place: Place) -> int:
    return int(place.program.pk)


def _organization(place: Place) -> int:
    return int(place.organization.pk)


RECORDS = {
    "report_department": _department,
    "report_program": _program,
    "report_organization": _organization,
}

DEPARTMENT = expect(404, clinician=200, supervisor=200, liaison=200, analyst=200)
PROGRAM = expect(404, clinician=200, supervisor=200, analyst=200)
ORGANIZATION = expect(404, analyst=200)
# Dover (another department of the same organization) is the analyst's too; Zeta is no one's.
SAME_ORGANIZATION = expect(404, analyst=200)
NOBODY = expect(404)

ROUTES = [
    Route(
        "reporting:public_outcomes",
        get=expect(200),
        public=True,
        reason="The published outcomes page: suppressed aggregates per program, no log-in.",
    ),
    Route(
        "reporting:index",
        get=expect(404, clinician=200, supervisor=200, liaison=200, analyst=200, outsider=200),
    ),
    Route(
        "reporting:department_dashboard",
        kwargs={"pk": "report_department"},
        get=DEPARTMENT,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "reporting:program_dashboard",
        kwargs={"pk": "report_program"},
        get=PROGRAM,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "reporting:organization_dashboard",
        kwargs={"pk": "report_organization"},
        get=ORGANIZATION,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "reporting:export",
        kwargs={"kind": "department", "pk": "report_department", "output": "csv"},
        get=DEPARTMENT,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "reporting:monthly_report",
        kwargs={"pk": "report_department", "year": "2025", "month": "3", "output": "html"},
        get=DEPARTMENT,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "reporting:funder_report",
        kwargs={"pk": "report_program", "year": "2025", "quarter": "1", "output": "html"},
        get=PROGRAM,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "reporting:annual_report",
        kwargs={"pk": "report_program", "year": "2025", "output": "html"},
        get=PROGRAM,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "reporting:extract",
        kwargs={"pk": "report_program", "year": "2025"},
        get=PROGRAM,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
    Route(
        "api:measures",
        kwargs={"kind": "program", "pk": "report_program"},
        query="from=2025-01-01&to=2025-04-01&by=month",
        get=PROGRAM,
        foreign=NOBODY,
        foreign_department=SAME_ORGANIZATION,
    ),
]
