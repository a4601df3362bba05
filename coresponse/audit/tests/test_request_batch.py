"""A request's reads are appended to the chain together, once, before its response leaves."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record, request_batch
from coresponse.audit.verify import verify_chain
from coresponse.common.testing import log_in
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in


def inserts_of_events(queries: CaptureQueriesContext) -> int:
    return sum(query["sql"].startswith('INSERT INTO "audit_auditevent"') for query in queries)


def chain_locks(queries: CaptureQueriesContext) -> int:
    return sum("pg_advisory_xact_lock" in query["sql"] for query in queries)


def events_since(first_id: int) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(id__gt=first_id)
        .order_by("id")
        .values_list("action", "object_type", "object_id")
    )


def last_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_person_page_appends_all_its_reads_in_one_insert(world):
    person = person_in(world.ashford)
    older = encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=person,
        occurred_at=timezone.now() - datetime.timedelta(days=3),
    )
    newer = encounter_with(department=world.ashford, program=world.ashford_program, person=person)
    client = log_in(Client(), world.clinician)
    before = last_id()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/people/{person.pk}/")
    assert response.status_code == 200
    # The person, their encounter history and their timeline: three sections, one statement.
    assert events_since(before) == [
        ("read", "person", str(person.pk)),
        ("read", "encounter", str(newer.pk)),
        ("read", "encounter", str(older.pk)),
        ("read", "encounter", str(newer.pk)),
        ("read", "encounter", str(older.pk)),
    ]
    assert [event.detail for event in AuditEvent.objects.filter(id__gt=before).order_by("id")] == [
        {},
        {"history": True},
        {"history": True},
        {"timeline": True},
        {"timeline": True},
    ]
    assert inserts_of_events(queries) == 1
    if connection.vendor == "postgresql":
        assert chain_locks(queries) == 1
    assert verify_chain().is_intact


def test_list_page_appends_one_read_per_row_in_one_insert(world):
    now = timezone.now()
    encounters = [
        encounter_with(
            department=world.ashford,
            program=world.ashford_program,
            person=person_in(world.ashford),
            occurred_at=now - datetime.timedelta(hours=hours),
        )
        for hours in range(1, 31)
    ]
    client = log_in(Client(), world.clinician)
    before = last_id()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/encounters/")
    assert response.status_code == 200
    shown = [str(encounter.pk) for encounter in encounters[:25]]  # newest first, 25 a page
    assert events_since(before) == [("read", "encounter", pk) for pk in shown]
    assert inserts_of_events(queries) == 1
    assert verify_chain().is_intact


def test_reads_wait_for_the_end_of_the_request(world):
    before = last_id()
    with request_batch() as batch:
        audit_record(actor=world.clinician, action="read", object_type="person", object_id=1)
        audit_record(actor=world.clinician, action="search", object_type="person", object_id=2)
        assert events_since(before) == []
        batch.flush()
    assert events_since(before) == [("read", "person", "1"), ("search", "person", "2")]
    assert verify_chain().is_intact


def test_a_write_appends_the_reads_before_it_first(world):
    before = last_id()
    with request_batch() as batch, CaptureQueriesContext(connection) as queries:
        audit_record(actor=world.clinician, action="read", object_type="person", object_id=1)
        audit_record(actor=world.clinician, action="update", object_type="person", object_id=1)
        assert batch.rows == []
    assert events_since(before) == [("read", "person", "1"), ("update", "person", "1")]
    assert inserts_of_events(queries) == 1


def test_reads_inside_a_transaction_are_appended_at_once(world):
    before = last_id()
    with request_batch() as batch:
        audit_record(actor=world.clinician, action="read", object_type="person", object_id=1)
        with transaction.atomic():
            audit_record(actor=world.clinician, action="read", object_type="person", object_id=2)
            assert events_since(before) == [("read", "person", "2")]
        batch.flush()
    assert events_since(before) == [("read", "person", "2"), ("read", "person", "1")]
    assert verify_chain().is_intact


def test_reads_outside_a_request_are_appended_at_once(world):
    before = last_id()
    audit_record(actor=world.clinician, action="read", object_type="person", object_id=3)
    assert events_since(before) == [("read", "person", "3")]
