"""Importing a CAD export: the sample file's defects, counts, idempotency, roll-back."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from coresponse.audit.models import AuditEvent
from coresponse.dispatch.models import DispatchCall
from coresponse.encounters.tests.factories import EncounterFactory
from coresponse.imports import services
from coresponse.imports.models import ImportRun
from coresponse.imports.rollback import RollbackRefused
from coresponse.imports.services import import_run_roll_back
from coresponse.imports.tests.helpers import (
    SAMPLES,
    issues_of,
    run_import,
    sample_mapping,
    save_profile,
    write,
)
from coresponse.people.models import PersonIdentifier
from coresponse.people.tests.factories import person_in

pytestmark = pytest.mark.django_db


def test_cad_export_with_preamble_and_defects_round_trips(world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    run = run_import(world.administrator, profile, SAMPLES / "ashford_cad_calls.csv")
    assert run.status == ImportRun.Status.COMPLETED, run.message
    assert run.header_row == 5
    assert (run.rows_in, run.rows_imported, run.rows_rejected, run.rows_blank) == (10, 7, 3, 1)
    assert (run.records_created, run.records_updated, run.records_unchanged) == (6, 0, 0)
    assert issues_of(run) == [
        (9, "warning", "placeholder_time", "Arrived"),
        (10, "warning", "out_of_order", "Cleared"),
        (11, "warning", "duplicate_id", "Incident #"),
        (12, "error", "bad_date", "Call Date/Time"),
        (13, "error", "missing", "Incident #"),
        (16, "error", "layout_line", "Incident #"),
    ]
    calls = {call.incident_number: call for call in DispatchCall.objects.all()}
    assert sorted(calls) == [
        "21-000101",
        "21-000102",
        "21-000103",
        "21-000104",
        "21-000105",
        "21-000107",
    ]
    assert calls["21-000102"].cleared_at == datetime.datetime(
        2021, 1, 3, 17, 45, tzinfo=datetime.UTC
    )
    assert calls["21-000104"].arrived_at is None
    assert calls["21-000104"].received_at == datetime.datetime(
        2021, 1, 5, 12, 55, tzinfo=datetime.UTC
    )
    assert calls["21-000103"].disposition == "INVOLUNTARY HOLD (SECTION 12)"
    assert {n for n, c in calls.items() if c.is_mental_health} == {"21-000102", "21-000103"}


HEADER = "Incident #,Received,Call Type,Final Type,Disposition,Location,MH\n"
SPEC = {
    "date_formats": ["%m/%d/%Y %H:%M"],
    "columns": {
        "incident_number": "Incident #",
        "received_at": "Received",
        "initial_call_type": "Call Type",
        "final_call_type": "Final Type",
        "disposition": "Disposition",
        "address": "Location",
        "is_flagged_mental_health": "MH",
    },
}


def _export(tmp_path, name: str, rows: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    """A CAD export of (incident, call type, disposition) rows, one a day from 1 March."""
    lines = [
        f"{incident},03/{day:02d}/2021 10:00,{call_type},{call_type},{disposition},"
        f"{day} MAIN ST,N\n"
        for day, (incident, call_type, disposition) in enumerate(rows, start=1)
    ]
    return write(tmp_path, name, HEADER + "".join(lines))


def test_the_same_export_twice_duplicates_nothing(world, tmp_path):
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    path = _export(
        tmp_path, "march.csv", [("21-1", "ALARM", "ADVISED"), ("21-2", "DISTURBANCE", "")]
    )
    run_import(world.administrator, profile, path)
    again = run_import(world.administrator, profile, path)
    assert (again.rows_in, again.rows_imported, again.rows_rejected) == (2, 2, 0)
    assert (again.records_created, again.records_updated, again.records_unchanged) == (0, 0, 2)
    assert DispatchCall.objects.count() == 2
    assert not again.changes.exists()


def test_an_overlapping_later_export_updates_and_adds(world, tmp_path):
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    first = run_import(
        world.administrator,
        profile,
        _export(tmp_path, "a.csv", [("21-1", "ALARM", ""), ("21-2", "DISTURBANCE", "")]),
    )
    later = run_import(
        world.administrator,
        profile,
        _export(
            tmp_path,
            "b.csv",
            [
                ("21-1", "ALARM", ""),
                ("21-2", "DISTURBANCE", "TRANSPORTED"),
                ("21-3", "LARCENY", ""),
            ],
        ),
    )
    assert (later.records_created, later.records_updated, later.records_unchanged) == (1, 1, 1)
    updated = DispatchCall.objects.get(incident_number="21-2")
    assert (updated.disposition, updated.import_run_id, updated.last_import_run_id) == (
        "TRANSPORTED",
        first.pk,
        later.pk,
    )
    change = later.changes.get()
    assert change.previous == {
        "disposition": "",
        "last_import_run_id": first.pk,
        "source_row": 3,
    }


def test_roll_back_undoes_a_run_and_refuses_while_a_later_run_depends_on_it(world, tmp_path):
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    first = run_import(
        world.administrator,
        profile,
        _export(tmp_path, "a.csv", [("21-1", "ALARM", ""), ("21-2", "DISTURBANCE", "")]),
    )
    later = run_import(
        world.administrator,
        profile,
        _export(
            tmp_path, "b.csv", [("21-2", "DISTURBANCE", "TRANSPORTED"), ("21-3", "LARCENY", "")]
        ),
    )
    with pytest.raises(RollbackRefused) as refused:
        import_run_roll_back(actor=world.administrator, run=first)
    assert refused.value.message == (
        f"Import run {later.pk} changed records this run imported: roll back run {later.pk} first."
    )
    assert import_run_roll_back(actor=world.administrator, run=later) == {
        "deleted": 1,
        "restored": 1,
    }
    assert sorted(DispatchCall.objects.values_list("incident_number", "disposition")) == [
        ("21-1", ""),
        ("21-2", ""),
    ]
    assert DispatchCall.objects.get(incident_number="21-2").last_import_run_id == first.pk
    assert import_run_roll_back(actor=world.administrator, run=first) == {
        "deleted": 2,
        "restored": 0,
    }
    assert DispatchCall.objects.count() == 0
    event = AuditEvent.objects.filter(object_type="import_run", object_id=str(first.pk)).last()
    assert (event.action, event.actor_id, event.detail) == (
        AuditEvent.Action.DELETE,
        world.administrator.pk,
        {"rolled_back": True, "deleted": 2, "restored": 0},
    )
    with pytest.raises(RollbackRefused) as again:
        import_run_roll_back(actor=world.administrator, run=first)
    assert again.value.message == (
        "Only a completed import can be rolled back; this run is rolled back."
    )


def test_a_dry_run_reports_everything_and_changes_nothing(world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    run = run_import(world.administrator, profile, SAMPLES / "ashford_cad_calls.csv", dry_run=True)
    assert (run.status, run.is_dry_run) == (ImportRun.Status.COMPLETED, True)
    assert (run.rows_in, run.rows_imported, run.rows_rejected, run.records_created) == (10, 7, 3, 6)
    assert run.issues.count() == 6
    assert DispatchCall.objects.count() == 0
    assert not run.can_roll_back
    with pytest.raises(RollbackRefused) as refusal:
        import_run_roll_back(actor=world.administrator, run=run)
    assert refusal.value.message == "A dry run changed nothing: there is nothing to roll back."


def test_a_strict_run_with_rejected_rows_imports_nothing_but_keeps_its_report(world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    run = run_import(world.administrator, profile, SAMPLES / "ashford_cad_calls.csv", strict=True)
    assert run.status == ImportRun.Status.REFUSED
    assert run.message == (
        "3 row(s) were rejected and this run is strict, so nothing was imported. Correct the "
        "rows or the mapping and import again."
    )
    assert run.issues.filter(severity="error").count() == 3
    assert DispatchCall.objects.count() == 0


def test_every_run_is_audited_with_its_counts(world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    run = run_import(world.administrator, profile, SAMPLES / "ashford_cad_calls.csv")
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT, object_id=str(run.pk))
    assert (event.actor_id, event.object_type, event.outcome) == (
        world.administrator.pk,
        "import_run",
        AuditEvent.Outcome.SUCCESS,
    )
    assert event.detail == {
        "kind": "calls",
        "file_sha256": run.file_sha256,
        "dry_run": False,
        "status": "completed",
        "rows_in": 10,
        "imported": 7,
        "rejected": 3,
        "created": 6,
        "updated": 0,
    }


def test_calls_are_linked_to_encounters_by_incident_number(world):
    person = person_in(world.ashford)
    encounter = EncounterFactory(
        department=world.ashford,
        program=world.ashford_program,
        person=person,
        cad_incident_number="21-000102",
    )
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    run_import(world.administrator, profile, SAMPLES / "ashford_cad_calls.csv")
    call = DispatchCall.objects.get(incident_number="21-000102")
    assert (call.encounter_id, call.person_id) == (encounter.pk, person.pk)
    assert DispatchCall.objects.filter(encounter__isnull=False).count() == 1


def test_calls_are_linked_to_people_by_records_number(world, tmp_path):
    person = person_in(world.ashford)
    PersonIdentifier.objects.create(person=person, kind="police_records", value="P-77")
    spec = {**SPEC, "columns": {**SPEC["columns"], "subject_ref": "Person"}}
    profile = save_profile(world.administrator, spec, department=world.ashford)
    content = HEADER.strip() + ",Person\n21-1,03/01/2021 10:00,ALARM,ALARM,,1 MAIN ST,N,P-77\n"
    run_import(world.administrator, profile, write(tmp_path, "calls.csv", content))
    assert DispatchCall.objects.get().person_id == person.pk


def test_the_database_refuses_a_run_whose_rows_do_not_add_up(world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    run = run_import(world.administrator, profile, SAMPLES / "ashford_cad_calls.csv")
    assert (run.rows_in, run.rows_imported, run.rows_rejected) == (10, 7, 3)
    run.rows_rejected = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        run.save(update_fields=["rows_rejected"])


def test_each_department_identifies_mental_health_calls_by_its_own_rules(world, tmp_path):
    from coresponse.dispatch.services import mental_health_rule_add

    mental_health_rule_add(
        actor=world.administrator,
        department=world.ashford,
        field="any_call_type",
        match="exact",
        pattern="MENTAL HEALTH",
    )
    mental_health_rule_add(
        actor=world.administrator,
        department=world.dover,
        field="any_call_type",
        match="exact",
        pattern="EDP",
    )
    mapping = {
        "date_formats": ["%m/%d/%Y %H:%M"],
        "columns": {
            "department": "Agency",
            "incident_number": "Incident",
            "received_at": "Received",
            "initial_call_type": "Nature",
            "is_flagged_mental_health": "MH",
        },
    }
    profile = save_profile(world.administrator, mapping, name="Regional CAD")
    export = write(
        tmp_path,
        "regional.csv",
        "Agency,Incident,Received,Nature,MH\n"
        "Ashford,A-1,03/01/2021 10:00,MENTAL HEALTH,N\n"
        "Ashford,A-2,03/01/2021 11:00,EDP,N\n"
        "Dover,D-1,03/01/2021 10:00,MENTAL HEALTH,N\n"
        "Dover,D-2,03/01/2021 11:00,EDP,N\n"
        "Dover,D-3,03/01/2021 12:00,ALARM,Y\n"
        "Total: 5 calls,,,,\n",
    )
    run = run_import(world.administrator, profile, export)
    assert (run.rows_in, run.rows_imported, run.rows_rejected) == (6, 5, 1)
    # The total line is named once, not also as a call without a department.
    assert [(issue.row_number, issue.code, issue.column) for issue in run.issues.all()] == [
        (7, "layout_line", "Agency")
    ]
    assert sorted(
        DispatchCall.objects.values_list(
            "incident_number", "is_mental_health", "mental_health_reason"
        )
    ) == [
        ("A-1", True, "Initial or final call type is “MENTAL HEALTH”"),
        ("A-2", False, ""),
        ("D-1", False, ""),
        ("D-2", True, "Initial or final call type is “EDP”"),
        ("D-3", True, "Flagged mental-health related by the call-taker or officer"),
    ]


def test_page_breaks_titles_and_totals_are_named_for_what_they_are(world, tmp_path):
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    path = write(
        tmp_path,
        "paged.csv",
        HEADER
        + "21-1,03/01/2021 10:00,ALARM,ALARM,ADVISED,1 MAIN ST,N\n"
        + "Page 1 of 2,,,,,,\n"
        + "Incident # , received,CALL TYPE,Final Type,Disposition,Location,MH\n"
        + "21-2,03/02/2021 10:00,ALARM,ALARM,ADVISED,2 MAIN ST,N\n"
        + ",,,,,Total calls: 2,\n"
        + "21-3,,ALARM,ALARM,,3 MAIN ST,N\n",
    )
    run = run_import(world.administrator, profile, path)
    assert (run.rows_in, run.rows_imported, run.rows_rejected) == (6, 2, 4)
    assert [
        (issue.row_number, issue.code, issue.column, issue.message)
        for issue in run.issues.order_by("row_number")
    ] == [
        (
            3,
            "layout_line",
            "Incident #",
            "Only “Incident #” has a value (“Page 1 of 2”): this looks like a title, total or "
            "page line of the export, not a record; not imported.",
        ),
        (
            4,
            "repeated_header",
            "",
            "The header row again (a page break in the export), not a record: not imported.",
        ),
        (
            6,
            "layout_line",
            "Location",
            "Only “Location” has a value (“Total calls: 2”): this looks like a title, total or "
            "page line of the export, not a record; not imported.",
        ),
        (7, "missing", "Received", "Call received is empty."),
    ]
    assert sorted(DispatchCall.objects.values_list("incident_number", flat=True)) == [
        "21-1",
        "21-2",
    ]


def test_a_run_that_wrote_many_records_refreshes_the_planner_statistics(
    world, tmp_path, monkeypatch
):
    analyzed: list[list[str]] = []
    monkeypatch.setattr(
        services,
        "refresh_statistics",
        lambda models: analyzed.append(sorted(model._meta.db_table for model in models)),
    )
    monkeypatch.setattr(services, "ANALYZE_AFTER_RECORDS", 2)
    profile = save_profile(world.administrator, SPEC, department=world.ashford)
    run_import(world.administrator, profile, _export(tmp_path, "one.csv", [("21-1", "ALARM", "")]))
    two = _export(tmp_path, "two.csv", [("21-2", "ALARM", ""), ("21-3", "LARCENY", "")])
    run_import(world.administrator, profile, two, dry_run=True)
    assert analyzed == []
    run = run_import(world.administrator, profile, two)
    assert analyzed == [["dispatch_dispatchcall"]]
    import_run_roll_back(actor=world.administrator, run=run)
    assert analyzed == [["dispatch_dispatchcall"], ["dispatch_dispatchcall"]]


def test_an_encounter_import_refreshes_the_tables_it_writes():
    tables = sorted(model._meta.db_table for model in services._written_models("encounters"))
    assert tables == [
        "dispatch_dispatchcall",
        "encounters_encounter",
        "encounters_encounter_dispositions",
        "encounters_encounter_others_on_scene",
        "encounters_encounter_presenting_problems",
        "people_person",
        "people_persondepartment",
    ]
