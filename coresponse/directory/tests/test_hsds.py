"""HSDS import and export: round trips, per-record errors, nothing partial."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from coresponse.audit.models import AuditEvent
from coresponse.directory.hsds.dump import dump_records, to_csv_files, to_zip
from coresponse.directory.models import (
    DirectoryImport,
    Schedule,
    Service,
    ServiceCapacity,
    ServiceProvider,
    TaxonomyTerm,
)
from coresponse.directory.services import directory_export, directory_import

SAMPLE = (Path(__file__).parent / "data" / "sample.json").read_bytes()
CSU = "0b8a5f3e-1c2d-4e5f-8a9b-0c1d2e3f4a01"


def import_file(world, name: str, content: bytes, actor=None):  # type: ignore[no-untyped-def]
    return directory_import(actor=actor, tenant=world.organization, file_name=name, content=content)


def sample() -> dict:  # type: ignore[type-arg]
    return json.loads(SAMPLE)


def test_json_import_creates_the_directory(world):
    result = import_file(world, "sample.json", SAMPLE)
    assert result.is_imported, result.problems
    assert result.counts is not None
    assert result.counts.created == {
        "organizations": 1,
        "taxonomy_terms": 2,
        "units": 1,
        "services": 2,
        "locations": 1,
        "addresses": 1,
        "service_at_locations": 2,
        "phones": 2,
        "schedules": 3,
        "service_areas": 3,
        "languages": 4,
        "attributes": 1,
        "service_capacities": 1,
    }
    csu = Service.objects.get(hsds_id=CSU)
    assert (csu.name, csu.provider.name, csu.minimum_age, csu.maximum_age) == (
        "Crisis Stabilization Unit",
        "Riverside Crisis Services",
        18,
        None,
    )
    capacity = ServiceCapacity.objects.get(service=csu)
    assert (capacity.available, capacity.maximum, capacity.unit.name) == (3, 12, "Bed")
    term = TaxonomyTerm.objects.get(code="crisis_stabilization")
    assert term.parent is not None and term.parent.code == "mental_health"
    assert list(csu.taxonomy_terms.values_list("code", flat=True)) == ["crisis_stabilization"]
    run = DirectoryImport.objects.get()
    assert (run.outcome, run.rows_in, run.problem_count) == ("imported", 24, 0)
    event = AuditEvent.objects.get(action="import", object_type="directory")
    assert event.detail == {"file": "sample.json", "rows": 24, "problems": 0}


def test_json_round_trip_gives_the_same_directory(world):
    import_file(world, "sample.json", SAMPLE)
    first = dump_records(world.organization)
    _, exported = directory_export(actor=None, tenant=world.organization, form="json")
    ServiceProvider.objects.filter(tenant=world.organization).update(name="Renamed")
    Schedule.objects.filter(tenant=world.organization).delete()
    again = import_file(world, "export.json", exported)
    assert again.is_imported, again.problems
    assert dump_records(world.organization) == first
    _, exported_again = directory_export(actor=None, tenant=world.organization, form="json")
    assert exported_again == exported


def test_csv_round_trip_gives_the_same_directory(world):
    import_file(world, "sample.json", SAMPLE)
    first = dump_records(world.organization)
    _, archive = directory_export(actor=None, tenant=world.organization, form="csv")
    Service.objects.filter(hsds_id=CSU).update(name="Changed", minimum_age=None)
    ServiceCapacity.objects.all().delete()
    again = import_file(world, "export.zip", archive)
    assert again.is_imported, again.problems
    assert again.counts is not None
    assert again.counts.updated["services"] == 1
    assert again.counts.created["service_capacities"] == 1
    assert dump_records(world.organization) == first


def test_round_trip_into_an_empty_directory_of_another_tenant(world):
    import_file(world, "sample.json", SAMPLE)
    first = dump_records(world.organization)
    _, exported = directory_export(actor=None, tenant=world.organization, form="json")
    result = directory_import(
        actor=None, tenant=world.other_organization, file_name="export.json", content=exported
    )
    assert result.is_imported, result.problems
    assert dump_records(world.other_organization) == first


def test_children_missing_from_the_file_are_removed_for_services_in_the_file(world):
    import_file(world, "sample.json", SAMPLE)
    document = sample()
    document["contents"][1]["schedules"] = document["contents"][1]["schedules"][:1]
    result = import_file(world, "fewer.json", json.dumps(document).encode())
    assert result.counts is not None
    assert result.counts.removed == {"schedules": 1}
    assert Schedule.objects.filter(service__name="Walk-in Counselling").count() == 1


def test_invalid_records_are_reported_by_record_and_field_and_nothing_is_imported(world):
    document = sample()
    csu = document["contents"][0]
    csu["status"] = "closed"
    csu["minimum_age"] = "eighteen"
    csu["phones"][0].pop("number")
    csu["schedules"][0]["byday"] = "MO,XX"
    csu["capacities"][0]["updated"] = "yesterday"
    document["contents"][1]["languages"][0]["id"] = "not-a-uuid"
    document["contents"][1]["maximum_age"] = 5
    result = import_file(world, "bad.json", json.dumps(document).encode())
    assert not result.is_imported
    assert [str(problem) for problem in result.problems] == [
        "services[0], field “status”: “closed” is not one of “active”, “inactive”, “defunct”, "
        "“temporarily closed”.",
        "services[0], field “minimum_age”: “eighteen” is not a whole number.",
        "services[1], field “maximum_age”: 5 is below the minimum age 12.",
        "services[0].phones[0], field “number”: is required.",
        "services[0].schedules[0], field “byday”: “XX” is not a day such as MO or 2TU.",
        "services[1].languages[0], field “id”: “not-a-uuid” is not a UUID.",
        "services[0].capacities[0], field “updated”: “yesterday” is not a date and time "
        "(ISO 8601).",
    ]
    assert not Service.objects.exists()
    assert not ServiceProvider.objects.exists()
    run = DirectoryImport.objects.get()
    assert (run.outcome, run.problem_count, run.problems[0]) == (
        "refused",
        7,
        str(result.problems[0]),
    )
    event = AuditEvent.objects.get(action="import")
    assert event.outcome == "failed"


def test_broken_references_are_refused(world):
    document = sample()
    document["contents"][0]["organization_id"] = "0b8a5f3e-1c2d-4e5f-8a9b-0c1d2e3f4aff"
    del document["contents"][0]["organization"]
    del document["contents"][1]["organization"]
    result = import_file(world, "refs.json", json.dumps(document).encode())
    assert [str(problem) for problem in result.problems] == [
        "services[0], field “organization_id”: 0b8a5f3e-1c2d-4e5f-8a9b-0c1d2e3f4aff names no "
        "organization in the file or the directory.",
        "services[1], field “organization_id”: 0b8a5f3e-1c2d-4e5f-8a9b-0c1d2e3f4a00 names no "
        "organization in the file or the directory.",
        "services[0].service_at_locations[0].location, field “organization_id”: "
        "0b8a5f3e-1c2d-4e5f-8a9b-0c1d2e3f4a00 names no organization in the file or the directory.",
    ]
    assert not Service.objects.exists()


def test_the_same_organization_with_different_details_is_refused(world):
    document = sample()
    document["contents"][1]["organization"]["name"] = "Another name"
    result = import_file(world, "twice.json", json.dumps(document).encode())
    assert [str(problem) for problem in result.problems] == [
        "services[1].organization: differs from the same id at services[0].organization."
    ]


def test_invalid_csv_rows_name_file_row_and_column(world):
    import_file(world, "sample.json", SAMPLE)
    files = to_csv_files(dump_records(world.organization))
    lines = files["service_capacity.csv"].splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("available")] = "-2"
    files["service_capacity.csv"] = "\n".join([lines[0], ",".join(cells)]) + "\n"
    files["services.csv"] = files["services.csv"].replace(",active,", ",open,", 1)
    before = dump_records(world.organization)
    result = import_file(world, "bad.zip", to_zip(files))
    assert [str(problem) for problem in result.problems] == [
        "services.csv row 2, field “status”: “open” is not one of “active”, “inactive”, "
        "“defunct”, “temporarily closed”.",
        "service_capacity.csv row 2, field “available”: cannot be negative.",
    ]
    assert dump_records(world.organization) == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "d.json",
            b"{not json",
            "The file is not valid JSON: line 1, column 2: "
            "Expecting property name enclosed in double quotes.",
        ),
        ("d.json", "é".encode("latin-1"), "The file is not UTF-8 text."),
        (
            "d.json",
            b'{"services": []}',
            'Expected an HSDS page of services ({"contents": [...]}) or a list of services.',
        ),
        ("d.zip", b"PK not really", "The file is not a ZIP archive of HSDS CSV files."),
        ("d.txt", b"hello", "Upload an HSDS .json file, or a .zip of HSDS CSV files."),
        ("services.csv", b"id,name\n", "services.csv: missing column(s) organization_id, status."),
        (
            "contacts.csv",
            b"id\n",
            "No HSDS tables found. Expected CSV files named organizations.csv, "
            "taxonomy_terms.csv, units.csv, services.csv, locations.csv, addresses.csv, "
            "service_at_location.csv, phones.csv, schedules.csv, service_areas.csv, "
            "languages.csv, attributes.csv, service_capacity.csv.",
        ),
    ],
)
def test_malformed_files_are_refused_with_a_message(world, name, content, message):
    result = import_file(world, name, content)
    assert [str(problem) for problem in result.problems] == [f"{name}: {message}"]
    assert not Service.objects.exists()


def test_what_coresponse_does_not_keep_is_reported_not_silently_dropped(world):
    document = sample()
    document["contents"][0]["contacts"] = [{"id": "x", "name": "Dana"}]
    document["contents"][1]["contacts"] = []
    document["contents"][0]["funding"] = [{"source": "State"}]
    result = import_file(world, "extra.json", json.dumps(document).encode())
    assert result.is_imported
    assert result.warnings == ["services[*].contacts: 2 ignored", "services[*].funding: 1 ignored"]


def test_formula_cells_are_escaped_in_csv_and_restored_on_import(world):
    document = sample()
    document["contents"][0]["alternate_name"] = '=HYPERLINK("x")'
    import_file(world, "sample.json", json.dumps(document).encode())
    files = to_csv_files(dump_records(world.organization))
    assert "'=HYPERLINK" in files["services.csv"]
    Service.objects.filter(hsds_id=CSU).update(alternate_name="")
    import_file(world, "export.zip", to_zip(files))
    assert Service.objects.get(hsds_id=CSU).alternate_name == '=HYPERLINK("x")'


def test_only_administrators_import_from_the_pages(world):
    with pytest.raises(PermissionDenied):
        import_file(world, "sample.json", SAMPLE, actor=world.clinician)
    result = import_file(world, "sample.json", SAMPLE, actor=world.administrator)
    assert result.is_imported
    assert DirectoryImport.objects.get().imported_by == world.administrator


def test_schedule_recurrence_bounds_are_kept_and_exported(world):
    document = sample()
    schedule = document["contents"][0]["schedules"][0]
    schedule.update(
        {
            "freq": "WEEKLY",
            "interval": 2,
            "dtstart": "2025-06-02",
            "until": "2025-12-29",
            "count": 8,
        }
    )
    result = import_file(world, "fortnightly.json", json.dumps(document).encode())
    assert result.is_imported
    kept = Schedule.objects.get(hsds_id=schedule["id"])
    assert (kept.interval, kept.dtstart, kept.until, kept.count) == (
        2,
        datetime.date(2025, 6, 2),
        datetime.date(2025, 12, 29),
        8,
    )
    _, content = directory_export(actor=None, tenant=world.organization, form="json")
    exported = json.loads(content)
    [written] = [
        item
        for service in exported["contents"]
        for item in service["schedules"]
        if item["id"] == schedule["id"]
    ]
    assert (written["interval"], written["dtstart"], written["until"], written["count"]) == (
        2,
        "2025-06-02",
        "2025-12-29",
        8,
    )


def test_schedule_recurrence_bounds_are_checked(world):
    document = sample()
    schedule = document["contents"][0]["schedules"][0]
    schedule.update({"interval": 0, "count": 0, "dtstart": "2025-06-02", "until": "2025-06-01"})
    schedule["bymonthday"] = "¹"
    result = import_file(world, "bounds.json", json.dumps(document).encode())
    assert not result.is_imported
    assert [str(problem) for problem in result.problems] == [
        "services[0].schedules[0], field “bymonthday”: “¹” is not a day of the month.",
        "services[0].schedules[0], field “until”: is before “dtstart”.",
        "services[0].schedules[0], field “interval”: must be 1 or more.",
        "services[0].schedules[0], field “count”: must be 1 or more.",
    ]
