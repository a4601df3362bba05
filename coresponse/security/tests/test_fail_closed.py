"""If the audit event cannot be written, the person-level read fails closed (SECURITY.md 15)."""

from __future__ import annotations

import pytest
from django.test import Client

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.people.tests.factories import person_in


@pytest.fixture
def broken_audit(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(AuditEvent.objects, "bulk_create", refuse)


def test_person_page_fails_closed(world, broken_audit):
    person = person_in(world.ashford, last_name="Failclosedname")
    client = log_in(Client(), world.clinician)
    response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 503
    body = response.content.decode()
    assert "Failclosedname" not in body
    assert "the record could not be recorded just now, so nothing was shown" in body.lower()


def test_api_fails_closed(world, broken_audit):
    person = person_in(world.ashford, last_name="Failclosedname")
    client = log_in(Client(), world.clinician)
    response = client.get(f"/api/v1/people/{person.pk}/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The audit trail could not be written, so nothing was shown."
    }
    listing = client.get("/api/v1/people/")
    assert listing.status_code == 503
    assert "Failclosedname" not in listing.content.decode()
