"""Backup and restore into an empty database: every record back, audit chain valid (28)."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.verify import verify_chain
from coresponse.common.testing import log_in
from coresponse.consents.models import Consent
from coresponse.encounters.models import ClinicalNote, Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.models import Person
from coresponse.people.tests.factories import person_in
from coresponse.security.backup import backup_models

KEY = base64.b64encode(b"k" * 32).decode()


# Restoring empties the database (flush): PostgreSQL refuses TRUNCATE inside the test's
# own transaction, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def recorded(world):
    person = person_in(world.ashford, last_name="Backupson")
    encounter = encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=person,
        note="restorable note",
    )
    Consent.objects.create(
        organization=world.organization,
        person=person,
        recipient_name="Clinic",
        purpose="Care",
        scope="Notes",
        signed_on="2026-01-05",
    )
    log_in(Client(), world.clinician).get(f"/people/{person.pk}/")  # audit events
    return person, encounter


def counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in backup_models()}


def test_restore_into_an_empty_database_finds_every_record(recorded, tmp_path, capsys):
    person, encounter = recorded
    before = counts()
    path = str(tmp_path / "backup.crbk")
    call_command("backup", path)
    assert "NOT encrypted" in capsys.readouterr().out
    call_command("flush", interactive=False, verbosity=0)
    assert Person.objects.count() == 0 and AuditEvent.objects.count() == 0
    call_command("restore", path)
    assert counts() == before
    assert Person.objects.get(pk=person.pk).last_name == "Backupson"
    assert ClinicalNote.objects.get(encounter_id=encounter.pk).text == "restorable note"
    assert Encounter.objects.get(pk=encounter.pk).person_id == person.pk
    report = verify_chain()
    assert report.is_intact
    assert report.events == before["audit.AuditEvent"] > 0
    assert "Restored" in capsys.readouterr().out
    # New records after the restore get fresh ids (sequences were reset).
    assert person_in(recorded[0].person_departments.first().department).pk > person.pk


def test_restore_refuses_a_database_that_holds_records(recorded, tmp_path):
    path = str(tmp_path / "backup.crbk")
    call_command("backup", path)
    with pytest.raises(CommandError) as error:
        call_command("restore", path)
    assert str(error.value) == (
        "The database already holds records; restore into an empty database "
        "(or pass --replace to erase it first)."
    )


def test_encrypted_backup_needs_its_key(recorded, tmp_path, monkeypatch, capsys):
    path = tmp_path / "backup.crbk"
    monkeypatch.setenv("BACKUP_KEY", KEY)
    call_command("backup", str(path))
    assert "(encrypted)" in capsys.readouterr().out
    assert b"Backupson" not in path.read_bytes()
    monkeypatch.setenv("BACKUP_KEY", base64.b64encode(b"x" * 32).decode())
    with pytest.raises(CommandError) as error:
        call_command("restore", str(path), "--replace")
    assert str(error.value) == "Wrong BACKUP_KEY, or the backup file was altered."
    monkeypatch.setenv("BACKUP_KEY", KEY)
    call_command("restore", str(path), "--replace")
    assert User.objects.filter(username="clinician").exists()


def test_a_tampered_backup_is_refused(recorded, tmp_path):
    path = tmp_path / "backup.crbk"
    call_command("backup", str(path))
    lines = gzip.decompress(path.read_bytes()).splitlines()
    edited = []
    for line in lines:
        if b'"audit.auditevent"' in line:
            rows = json.loads(line)
            rows[0]["fields"]["actor_username"] = "someone-else"
            line = json.dumps(rows).encode()
        edited.append(line)
    path.write_bytes(gzip.compress(b"\n".join(edited) + b"\n"))
    with pytest.raises(CommandError) as error:
        call_command("restore", str(path), "--replace")
    assert str(error.value) == (
        "The restored audit trail does not verify: Event 1 does not match its hash: it was "
        "edited, or inserted without the audit key."
    )
