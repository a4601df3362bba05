"""The command line: `coresponse import calls|encounters FILE --mapping NAME`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from coresponse.dispatch.models import DispatchCall
from coresponse.imports.models import ImportRun, MappingProfile
from coresponse.imports.tests.helpers import SAMPLES, sample_mapping, save_profile, write

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_data", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_calls_prints_the_summary(world):
    save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    output = _run(
        "calls",
        str(SAMPLES / "ashford_cad_calls.csv"),
        "--mapping",
        "Ashford CAD",
        "--user",
        world.administrator.username,
    )
    run = ImportRun.objects.get()
    assert output.splitlines()[:4] == [
        f"Import run {run.pk}: Completed",
        "  rows in 10 = imported 7 + rejected 3   (1 blank rows skipped)",
        "  records: 6 created, 0 updated, 0 unchanged;  warnings: 3",
        "  Rejected (first 3):",
    ]
    assert (
        "    row 12, Call Date/Time: “13/45/2021 10:00” is not a date the mapping can read"
        in output
    )
    assert output.splitlines()[-1] == f"  Full report: /imports/runs/{run.pk}/"
    assert DispatchCall.objects.count() == 6


def test_dry_run_changes_nothing(world):
    save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    output = _run(
        "calls",
        str(SAMPLES / "ashford_cad_calls.csv"),
        "--mapping=Ashford CAD",
        "--dry-run",
        f"--user={world.administrator.username}",
    )
    assert output.startswith("Dry run (nothing changed) run ")
    assert DispatchCall.objects.count() == 0


def test_a_refused_file_fails_the_command_with_its_message(world, tmp_path):
    save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    with pytest.raises(CommandError) as error:
        _run(
            "calls",
            str(write(tmp_path, "empty.csv", "")),
            "--mapping=Ashford CAD",
            f"--user={world.administrator.username}",
        )
    assert str(error.value) == "The file is empty: it has no rows."


def test_unknown_mapping_lists_the_users_mappings(world):
    save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    with pytest.raises(CommandError) as error:
        _run(
            "calls", str(SAMPLES / "ashford_cad_calls.csv"), "--mapping=CAD", "--user=administrator"
        )
    assert str(error.value) == "No calls mapping named “CAD” that you may use (yours: Ashford CAD)."


def test_the_acting_user_is_required(world, monkeypatch):
    monkeypatch.delenv("CORESPONSE_USER", raising=False)
    with pytest.raises(CommandError) as error:
        _run("calls", str(SAMPLES / "ashford_cad_calls.csv"), "--mapping=Ashford CAD")
    assert str(error.value).startswith("Say who is importing: --user USERNAME")


def test_save_mapping_then_import_encounters_then_roll_back(world, tmp_path):
    spec = write(
        tmp_path, "mapping.json", json.dumps(sample_mapping("ashford_program_mapping.json"))
    )
    saved = _run(
        "save-mapping",
        "Old spreadsheet",
        "--kind=encounters",
        f"--spec={spec}",
        "--program=ashford",
        "--user=supervisor",
    )
    assert saved == "Mapping “Old spreadsheet” saved (version 1).\n"
    assert MappingProfile.objects.get().program == world.ashford_program
    _run(
        "encounters",
        str(SAMPLES / "ashford_program_spreadsheet.csv"),
        "--mapping=Old spreadsheet",
        "--user=supervisor",
    )
    run = ImportRun.objects.get()
    assert run.records_created == 4
    assert _run("rollback", str(run.pk), "--user=supervisor") == (
        f"Run {run.pk} rolled back: 4 deleted, 0 restored, 2 people removed.\n"
    )
