"""The demo's imports and calls are what the README says: the saved sample mappings, each
department's mental-health rules, and one import run of the regional dispatch export with its
quality report, then Ashford's own later export imported by the supervisor (left alone,
updated, new), calls linked to encounters, a rising trend and repeat addresses."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import F

from coresponse.common.testing import log_in
from coresponse.demo.generator import build_demo
from coresponse.dispatch.models import DispatchCall, MentalHealthRule
from coresponse.imports.demo import (
    AGENCIES,
    ASHFORD_DISPOSITIONS_COMPLETED,
    ASHFORD_EXPORT_CALLS,
    ASHFORD_EXPORT_NAME,
    DEMO_EXPORT_NAME,
    HOT_SPOTS,
    RULES,
)
from coresponse.imports.models import ImportChange, ImportRun, MappingProfile
from coresponse.imports.rollback import RollbackRefused
from coresponse.imports.services import import_run_roll_back
from coresponse.reporting.measures.calls import (
    calls_by_address,
    calls_by_person,
    mental_health_call_change,
    normalize_address,
)
from coresponse.reporting.measures.types import Selection

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(today=TODAY, scale=0.1, log=lambda message: None)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):  # type: ignore[no-untyped-def]
    """Every test reads the database (inside the module's demo transaction)."""


def test_the_sample_mappings_and_the_regional_mapping_are_saved(demo):
    profiles = {
        profile.name: (
            profile.kind,
            profile.department.slug if profile.department else None,
            profile.program.slug if profile.program else None,
        )
        for profile in MappingProfile.objects.select_related("department", "program")
    }
    assert profiles == {
        "Ashford CAD": ("calls", "ashford", None),
        "Ashford program spreadsheet": ("encounters", None, "ashford"),
        "Riverbend regional dispatch (CAD)": ("calls", None, None),
    }


def test_every_department_has_its_own_rules(demo):
    for slug, rules in RULES.items():
        stored = set(
            MentalHealthRule.objects.filter(department__slug=slug).values_list(
                "field", "match", "pattern"
            )
        )
        assert stored == {(field, match, pattern) for field, match, pattern, _ in rules}
    assert MentalHealthRule.objects.count() == 21


def test_the_regional_run_with_its_quality_report(demo):
    run = ImportRun.objects.get(file_name=DEMO_EXPORT_NAME)
    assert (run.kind, run.status, run.file_name, run.is_dry_run) == (
        "calls",
        ImportRun.Status.COMPLETED,
        DEMO_EXPORT_NAME,
        False,
    )
    assert run.created_by.username == "admin"
    assert run.header_row == 4
    assert run.rows_in == run.rows_imported + run.rows_rejected
    assert (run.rows_rejected, run.warnings_count, run.records_updated) == (3, 3, 0)
    # Every row but the rejected ones and the repeated incident is a new call.
    assert run.records_created == run.rows_imported - 1
    later = ImportRun.objects.get(file_name=ASHFORD_EXPORT_NAME)
    assert DispatchCall.objects.count() == run.records_created + later.records_created
    last_row = run.header_row + run.rows_in
    assert [
        (issue.row_number, issue.severity, issue.code, issue.column)
        for issue in run.issues.order_by("row_number")
    ] == [
        (155, "error", "bad_date", "Date Received + Time Received"),
        (256, "error", "missing", "Incident No"),
        (357, "error", "unknown_department", "Agency"),
        (508, "warning", "placeholder_time", "On Scene"),
        (608, "warning", "out_of_order", "Cleared"),
        (last_row, "warning", "duplicate_id", "Incident No"),
    ]
    assert run.issues.get(code="unknown_department").message == (
        "“WESTON PD” is not a department you may import into."
    )
    assert run.can_roll_back


def test_calls_cover_every_department_from_2016(demo):
    departments = set(DispatchCall.objects.values_list("department__slug", flat=True))
    assert departments == set(AGENCIES)
    first = DispatchCall.objects.earliest("received_at").received_at
    assert first.year == 2016
    assert DispatchCall.objects.filter(received_at__date__gte=TODAY).count() == 0
    mental_health = DispatchCall.objects.filter(is_mental_health=True).count()
    assert 0.35 <= mental_health / DispatchCall.objects.count() <= 0.45
    reasons = set(
        DispatchCall.objects.filter(is_mental_health=True).values_list(
            "mental_health_reason", flat=True
        )
    )
    assert "Flagged mental-health related by the call-taker or officer" in reasons
    assert "Initial or final call type is “EDP”" in reasons


def test_calls_attended_by_a_clinician_are_linked_to_their_encounters(demo):
    linked = DispatchCall.objects.exclude(encounter=None)
    assert linked.count() > 100
    assert not linked.exclude(incident_number=F("encounter__cad_incident_number")).exists()
    assert not linked.exclude(department=F("encounter__department")).exists()
    assert linked.exclude(person=None).count() > 0.5 * linked.count()


def _ashford(start: int, end: int) -> Selection:
    return Selection(
        department_ids=frozenset({demo_department("ashford")}),
        start=datetime.date(start, 1, 1),
        end=datetime.date(end, 1, 1),
    )


def demo_department(slug: str) -> int:
    return DispatchCall.objects.filter(department__slug=slug).values_list(
        "department_id", flat=True
    )[0]


def test_mental_health_calls_rise_between_the_two_five_year_periods(demo):
    change = mental_health_call_change(_ashford(2021, 2026))
    assert (change.previous_start, change.previous_end) == (
        datetime.date(2016, 1, 1),
        datetime.date(2021, 1, 1),
    )
    assert change.previous > 0
    assert change.value is not None and 0.05 < change.value < 0.6


def test_repeat_calls_by_address_and_by_person(demo):
    addresses = calls_by_address(_ashford(2021, 2026), minimum=2)
    hot_spots = {normalize_address(place) for place in HOT_SPOTS}
    assert {row.address for row in addresses[:5]} == hot_spots
    people = calls_by_person(_ashford(2021, 2026), minimum=2)
    assert len(people) > 0
    assert all(row.calls >= 2 for row in people)


def test_ashfords_later_export_is_imported_by_the_supervisor_without_duplicates(demo):
    run = ImportRun.objects.get(file_name=ASHFORD_EXPORT_NAME)
    assert (run.created_by.username, run.profile.name, run.department.slug, run.status) == (
        "supervisor",
        "Ashford CAD",
        "ashford",
        ImportRun.Status.COMPLETED,
    )
    assert run.header_row == 5
    assert (run.rows_in, run.rows_imported, run.rows_rejected, run.warnings_count) == (
        ASHFORD_EXPORT_CALLS + 2,
        ASHFORD_EXPORT_CALLS + 2,
        0,
        0,
    )
    # Updated: the dispositions entered since, and every SECTION 12 disposition, which
    # Ashford's mapping spells out in full (the regional export kept it short).
    changes = list(ImportChange.objects.filter(run=run))
    completed = [change for change in changes if change.previous["disposition"] in ("", "ADVISED")]
    renamed = [change for change in changes if change.previous["disposition"] == "SECTION 12"]
    assert len(completed) == ASHFORD_DISPOSITIONS_COMPLETED
    assert len(completed) + len(renamed) == len(changes)
    now = dict(
        DispatchCall.objects.filter(pk__in=[change.object_id for change in changes]).values_list(
            "pk", "disposition"
        )
    )
    assert {now[change.object_id] for change in completed} == {"REPORT TAKEN"}
    assert {now[change.object_id] for change in renamed} <= {"INVOLUNTARY HOLD (SECTION 12)"}
    assert (run.records_created, run.records_updated, run.records_unchanged) == (
        2,
        len(changes),
        ASHFORD_EXPORT_CALLS - len(changes),
    )
    new = DispatchCall.objects.filter(import_run=run)
    assert sorted(new.values_list("incident_number", flat=True))[0][3:] == "90001"
    assert new.count() == 2


def test_the_regional_run_rolls_back_only_after_the_later_one(demo):
    from coresponse.accounts.models import User

    admin = User.objects.get(username="admin")
    regional = ImportRun.objects.get(file_name=DEMO_EXPORT_NAME)
    later = ImportRun.objects.get(file_name=ASHFORD_EXPORT_NAME)
    with pytest.raises(RollbackRefused) as refused:
        import_run_roll_back(actor=admin, run=regional)
    assert refused.value.message == (
        f"Import run {later.pk} changed records this run imported: roll back run {later.pk} first."
    )
    regional.refresh_from_db()
    assert regional.status == ImportRun.Status.COMPLETED


def test_the_pages_show_the_run_and_the_trend(demo, client):
    from coresponse.accounts.models import User

    run = ImportRun.objects.get(file_name=DEMO_EXPORT_NAME)
    log_in(client, User.objects.get(username="admin"))
    home = client.get("/imports/").content.decode()
    assert DEMO_EXPORT_NAME in home
    report = client.get(f"/imports/runs/{run.pk}/").content.decode()
    assert "“WESTON PD” is not a department you may import into." in report
    log_in(client, User.objects.get(username="supervisor"))
    runs = client.get("/imports/").content.decode()
    assert ASHFORD_EXPORT_NAME in runs
    assert DEMO_EXPORT_NAME not in runs  # it covers towns beyond the supervisor's programs
    ashford = demo_department("ashford")
    trend = client.get(f"/calls/?department={ashford}&end_year=2025&years=5").content.decode()
    assert "2021–2025 against 2016–2020" in trend
