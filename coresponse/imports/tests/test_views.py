"""The import pages: upload and run, the quality report, roll-back, mappings with preview."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.dispatch.models import DispatchCall
from coresponse.imports.models import ImportRun, MappingProfile
from coresponse.imports.tests.helpers import SAMPLES, sample_mapping, save_profile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _inline_imports(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.IMPORTS_IN_BACKGROUND = False
    settings.VAR_DIR = tmp_path


def _upload(name: str = "ashford_cad_calls.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes(), content_type="text/csv")


def test_administrator_uploads_a_cad_export_and_reads_the_report(client, world, tmp_path):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    log_in(client, world.administrator)
    response = client.post(reverse("imports:new"), {"profile": profile.pk, "file": _upload()})
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:run", args=[run.pk])
    assert list((tmp_path / "imports" / "uploads").iterdir()) == []
    page = client.get(response["Location"]).content.decode()
    assert "Rows in (10) = imported (7) + rejected (3)." in page
    assert "Records: 6 created, 0 updated, 0 unchanged." in page
    assert "Header found on row 5." in page
    assert "“13/45/2021 10:00” is not a date the mapping can read" in page
    rejected = client.get(response["Location"] + "?severity=error").content.decode()
    assert rejected.count('class="issue-error"') == 3
    report = client.get(reverse("imports:run_report", args=[run.pk]))
    assert report["Content-Type"] == "text/csv; charset=utf-8"
    lines = report.content.decode().splitlines()
    assert lines[0] == "Row,Severity,Column,Reason,Value"
    assert lines[1] == (
        '9,Warning,Arrived,"Arrived at 00:00 is earlier than Dispatched (2021-01-05 07:58): a '
        'placeholder for an unknown time, left empty.",2021-01-05 00:00'
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT, object_type="import_run", object_id=str(run.pk)
    ).exists()


def test_progress_of_a_finished_run_reloads_the_page(client, world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    log_in(client, world.administrator)
    client.post(reverse("imports:new"), {"profile": profile.pk, "file": _upload()})
    response = client.get(reverse("imports:run_progress", args=[ImportRun.objects.get().pk]))
    assert (response.status_code, response["HX-Refresh"]) == (204, "true")


def test_rolling_back_from_the_page(client, world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    log_in(client, world.administrator)
    client.post(reverse("imports:new"), {"profile": profile.pk, "file": _upload()})
    run = ImportRun.objects.get()
    response = client.post(reverse("imports:run_rollback", args=[run.pk]), follow=True)
    assert f"Run {run.pk} rolled back: 6 deleted, 0 restored." in response.content.decode()
    assert DispatchCall.objects.count() == 0
    again = client.post(reverse("imports:run_rollback", args=[run.pk]), follow=True)
    assert (
        "Only a completed import can be rolled back; this run is rolled back."
        in again.content.decode()
    )


def test_a_refused_file_shows_its_message(client, world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    log_in(client, world.administrator)
    empty = SimpleUploadedFile("empty.csv", b"", content_type="text/csv")
    response = client.post(reverse("imports:new"), {"profile": profile.pk, "file": empty})
    assert "The submitted file is empty." in response.content.decode()
    old_excel = SimpleUploadedFile("calls.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 500)
    response = client.post(reverse("imports:new"), {"profile": profile.pk, "file": old_excel})
    page = client.get(response["Location"]).content.decode()
    assert "Refused (file not imported)" in page
    assert "This is an old Excel (.xls) workbook, which cannot be read safely." in page


def test_a_supervisor_cannot_pick_another_programs_mapping(client, world):
    dover = save_profile(
        world.administrator,
        sample_mapping("ashford_cad_mapping.json"),
        department=world.dover,
        name="Dover CAD",
    )
    log_in(client, world.supervisor)
    response = client.post(reverse("imports:new"), {"profile": dover.pk, "file": _upload()})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not ImportRun.objects.exists()


def _mapping_post(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Ashford CAD",
        "encoding": "utf-8",
        "delimiter": ",",
        "date_formats": "%m/%d/%Y %H:%M\n%m/%d/%Y %I:%M %p\n%Y-%m-%d %H:%M:%S",
        "time_zone": "America/New_York",
        "unknown_codes": "other",
        "col__incident_number": "Incident #",
        "col__received_at": "Call Date/Time",
        "col__disposition": "Disposition",
        "values__disposition": "SECTION 12 = INVOLUNTARY HOLD (SECTION 12)",
    }
    data.update(overrides)
    return data


def test_creating_a_mapping_in_the_form(client, world):
    log_in(client, world.administrator)
    url = reverse("imports:mapping_new") + "?kind=calls"
    response = client.post(url, _mapping_post(department=str(world.ashford.pk)))
    profile = MappingProfile.objects.get()
    assert response["Location"] == reverse("imports:mapping", args=[profile.pk])
    assert profile.spec["columns"] == {
        "incident_number": ["Incident #"],
        "received_at": ["Call Date/Time"],
        "disposition": ["Disposition"],
    }
    assert profile.spec["values"] == {
        "disposition": {"SECTION 12": "INVOLUNTARY HOLD (SECTION 12)"}
    }
    page = client.get(response["Location"]).content.decode()
    assert 'value="Call Date/Time"' in page


def test_mapping_errors_are_shown_next_to_their_fields(client, world):
    log_in(client, world.administrator)
    url = reverse("imports:mapping_new") + "?kind=calls"
    response = client.post(
        url,
        _mapping_post(
            department=str(world.ashford.pk),
            col__received_at="",
            time_zone="Mars/Olympus",
            values__disposition="no equals sign here",
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "“no equals sign here” is not “source value = code”." in page
    assert not MappingProfile.objects.exists()
    response = client.post(
        url,
        _mapping_post(
            department=str(world.ashford.pk), col__received_at="", time_zone="Mars/Olympus"
        ),
    )
    page = response.content.decode()
    assert "Call received must be mapped to a column." in page
    assert "“Mars/Olympus” is not a time zone (e.g. America/New_York)." in page


def test_preview_shows_the_first_rows_as_they_will_be_imported(client, world):
    log_in(client, world.administrator)
    data = _mapping_post(department=str(world.ashford.pk), kind="calls")
    response = client.post(reverse("imports:mapping_preview"), {**data, "sample": _upload()})
    page = response.content.decode()
    assert "Header on row 5." in page
    assert "2021-01-04 22:05" in page
    assert "INVOLUNTARY HOLD (SECTION 12)" in page
    assert "“13/45/2021 10:00” is not a date the mapping can read" in page
    token = response.context["token"]
    # The sample is kept for the next previews of this session only.
    again = client.post(
        reverse("imports:mapping_preview"),
        {**data, "col__disposition": "", "sample_token": token},
    )
    assert "INVOLUNTARY HOLD" not in again.content.decode()
    client.logout()
    log_in(client, world.supervisor)
    stranger = client.post(reverse("imports:mapping_preview"), {**data, "sample_token": token})
    assert "Choose a sample file" in stranger.content.decode()


def test_preview_of_a_file_that_would_be_refused(client, world):
    log_in(client, world.administrator)
    data = _mapping_post(department=str(world.ashford.pk), kind="calls", header_row="1")
    response = client.post(reverse("imports:mapping_preview"), {**data, "sample": _upload()})
    assert "This file would be refused: Row 1 is not the header row" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["clinician", "officer", "liaison", "analyst", "ttac", "outsider"]
)
def test_others_cannot_open_imports(client, world, persona):
    log_in(client, getattr(world, persona))
    assert client.get(reverse("imports:home")).status_code == 403
    assert client.get(reverse("imports:new")).status_code == 403


def test_outsider_cannot_see_or_roll_back_a_run(client, world):
    profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    log_in(client, world.administrator)
    client.post(reverse("imports:new"), {"profile": profile.pk, "file": _upload()})
    run = ImportRun.objects.get()
    client.logout()
    log_in(client, world.outsider)
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 404
    assert client.post(reverse("imports:run_rollback", args=[run.pk])).status_code == 404
    assert DispatchCall.objects.count() == 6


def test_an_analyst_never_sees_imported_person_level_rows(client, world):
    supervisor_profile = save_profile(
        world.supervisor,
        sample_mapping("ashford_program_mapping.json"),
        kind="encounters",
        program=world.ashford_program,
        name="Spreadsheet",
    )
    log_in(client, world.supervisor)
    client.post(
        reverse("imports:new"),
        {"profile": supervisor_profile.pk, "file": _upload("ashford_program_spreadsheet.csv")},
    )
    run = ImportRun.objects.get()
    client.logout()
    log_in(client, world.analyst)
    for name in ("imports:run", "imports:run_report"):
        response = client.get(reverse(name, args=[run.pk]))
        assert response.status_code == 404
        assert "Delgado" not in response.content.decode()
    assert client.get(reverse("people:search") + "?q=Delgado").status_code in (403, 404)
    assert json.dumps(run.mapping)  # the run keeps the mapping it used
