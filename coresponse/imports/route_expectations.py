"""Expected statuses of the import routes for every persona (see security/routewalk.py).

Imports are for administrators (calls of any department of their organization) and program
supervisors (calls and encounters of their programs' departments); everyone else gets 403
on the pages and 404 on a run or mapping.
"""

from __future__ import annotations

from coresponse.security.routewalk import Place, Route, expect

SPEC = {"columns": {"incident_number": ["Incident"], "received_at": ["Received"]}}


def make_import_run(place: Place) -> int:
    """A completed call import of the place's department."""
    from coresponse.imports.models import ImportRun

    return ImportRun.objects.create(
        organization=place.organization,
        kind="calls",
        department=place.department,
        profile_name=f"CAD {place.tag}",
        mapping=SPEC,
        file_name=f"calls-{place.tag}.csv",
        status=ImportRun.Status.COMPLETED,
        created_by=place.clinician,
    ).pk


def make_mapping_profile(place: Place) -> int:
    from coresponse.imports.models import MappingProfile

    return MappingProfile.objects.create(
        organization=place.organization,
        name=f"CAD {place.tag}",
        kind="calls",
        department=place.department,
        spec=SPEC,
    ).pk


RECORDS = {"import_run": make_import_run, "mapping_profile": make_mapping_profile}

IMPORTERS = {"supervisor": 200, "administrator": 200}
RUN = {"pk": "import_run"}
# Dover is in the administrator's organization, not in the supervisor's programs.
ADMINISTRATOR_ONLY = expect(404, administrator=200)

ROUTES = [
    Route("imports:home", get=expect(403, **IMPORTERS)),
    Route("imports:new", get=expect(403, **IMPORTERS), post=expect(403, **IMPORTERS)),
    Route(
        "imports:run",
        kwargs=RUN,
        get=expect(404, **IMPORTERS),
        foreign_department=ADMINISTRATOR_ONLY,
    ),
    Route(
        "imports:run_progress",
        kwargs=RUN,
        get=expect(404, supervisor=204, administrator=204),
        foreign_department=expect(404, administrator=204),
    ),
    Route(
        "imports:run_report",
        kwargs=RUN,
        get=expect(404, **IMPORTERS),
        foreign_department=ADMINISTRATOR_ONLY,
    ),
    Route(
        "imports:run_rollback",
        kwargs=RUN,
        get=expect(405),
        post=expect(404, supervisor=302, administrator=302),
        foreign_department=expect(404, administrator=302),
    ),
    Route("imports:mapping_new", get=expect(403, **IMPORTERS), post=expect(403, **IMPORTERS)),
    Route(
        "imports:mapping",
        kwargs={"pk": "mapping_profile"},
        get=expect(404, **IMPORTERS),
        foreign_department=ADMINISTRATOR_ONLY,
    ),
    Route("imports:mapping_preview", get=expect(405), post=expect(403, **IMPORTERS)),
]
