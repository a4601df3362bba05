"""`coresponse directory import|export`: the command-line pair."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coresponse.directory.hsds.dump import dump_records
from coresponse.directory.models import Service

SAMPLE = Path(__file__).parent / "data" / "sample.json"


def test_import_then_export_json_and_csv(world, tmp_path, capsys):
    call_command("directory", "--organization", "riverbend", "import", str(SAMPLE))
    assert "Imported sample.json: created 1 addresses" in capsys.readouterr().out
    before = dump_records(world.organization)
    call_command(
        "directory",
        "--organization",
        "riverbend",
        "export",
        "--format",
        "json",
        str(tmp_path / "d.json"),
    )
    assert json.loads((tmp_path / "d.json").read_text())["total_items"] == 2
    call_command(
        "directory",
        "--organization",
        "riverbend",
        "export",
        "--format",
        "csv",
        str(tmp_path / "csv"),
    )
    assert (tmp_path / "csv" / "services.csv").read_text().count("\n") == 3
    call_command(
        "directory",
        "--organization",
        "riverbend",
        "export",
        "--format",
        "csv",
        str(tmp_path / "d.zip"),
    )
    Service.objects.update(name="Changed")
    call_command("directory", "--organization", "riverbend", "import", str(tmp_path / "csv"))
    assert dump_records(world.organization) == before
    call_command("directory", "--organization", "riverbend", "import", str(tmp_path / "d.zip"))
    assert dump_records(world.organization) == before


def test_invalid_file_lists_problems_and_fails(world, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    document = json.loads(SAMPLE.read_text())
    document["contents"][0]["status"] = "gone"
    bad.write_text(json.dumps(document))
    with pytest.raises(CommandError, match=r"Nothing imported: 1 problem\(s\) in bad.json."):
        call_command("directory", "--organization", "riverbend", "import", str(bad))
    assert "services[0], field “status”: “gone” is not one of" in capsys.readouterr().err
    assert not Service.objects.exists()


def test_organization_must_be_named_when_there_are_several(world):
    with pytest.raises(CommandError, match=r"Name the organization with --organization SLUG\."):
        call_command("directory", "import", str(SAMPLE))
    with pytest.raises(CommandError, match=r"No organization with slug 'nowhere'\."):
        call_command("directory", "--organization", "nowhere", "import", str(SAMPLE))
