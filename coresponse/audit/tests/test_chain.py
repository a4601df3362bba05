"""The audit chain detects an edited, deleted, inserted or cut-off event (SECURITY.md 14)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from coresponse.audit.models import AuditEvent, AuditHead
from coresponse.audit.services import audit_record
from coresponse.audit.verify import verify_chain


@contextlib.contextmanager
def tampering() -> Iterator[None]:
    """Act as someone with direct database access (PostgreSQL's append-only trigger off)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_append_only")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_append_only")


@pytest.fixture
def six_events(world):
    for number in range(1, 7):
        audit_record(actor=world.clinician, action="read", object_type="person", object_id=number)
    return list(AuditEvent.objects.order_by("id"))


def test_intact_chain_verifies(six_events):
    report = verify_chain()
    assert report.is_intact
    assert report.message == "Audit chain intact: 6 events, head at event 6."


def test_edited_event_is_reported_exactly(six_events):
    with tampering():
        AuditEvent.objects.filter(id=3).update(object_id="999")
    report = verify_chain()
    assert (report.is_intact, report.broken_at) == (False, 3)
    assert report.message == (
        "Event 3 does not match its hash: it was edited, or inserted without the audit key."
    )


def test_deleted_event_is_reported_exactly(six_events):
    with tampering():
        AuditEvent.objects.filter(id=3).delete()
    report = verify_chain()
    assert report.broken_at == 3
    assert report.message == "Event 3 is missing (deleted): the chain goes from event 2 to event 4."


def test_inserted_event_is_reported_exactly(six_events):
    second = six_events[1]
    with tampering():
        for event in reversed(six_events[2:]):
            AuditEvent.objects.filter(id=event.id).update(id=event.id + 1)
        AuditEvent.objects.create(
            id=3,
            occurred_at=second.occurred_at,
            actor_username="intruder",
            action="read",
            object_type="person",
            object_id="42",
            source="cli",
            previous_hash=second.chain_hash,
            chain_hash=second.chain_hash,
        )
    report = verify_chain()
    assert report.broken_at == 3
    assert report.message.startswith("Event 3 does not match its hash")


def test_replaced_link_is_reported_at_the_following_event(six_events):
    with tampering():
        AuditEvent.objects.filter(id=4).update(previous_hash="f" * 64)
    report = verify_chain()
    assert report.broken_at == 4
    assert report.message == (
        "Event 4 does not follow event 3: its link to the previous event is wrong "
        "(an event before it was replaced or inserted)."
    )


def test_deleting_the_tail_is_detected(six_events):
    with tampering():
        AuditEvent.objects.filter(id__gte=5).delete()
    report = verify_chain()
    assert report.broken_at == 5
    assert report.message == (
        "The chain ends at event 4 but its head records event 6: events 5–6 were deleted."
    )


def test_moving_the_head_back_is_detected(six_events):
    with tampering():
        AuditEvent.objects.filter(id__gte=5).delete()
        AuditHead.objects.filter(pk=1).update(last_id=4, last_hash=six_events[3].chain_hash)
    assert verify_chain().message == "The chain head was altered (bad signature)."


def test_verify_command_reports_the_break(six_events, capsys):
    call_command("audit", "verify")
    assert "Audit chain intact: 6 events, head at event 6." in capsys.readouterr().out
    with tampering():
        AuditEvent.objects.filter(id=2).update(action="update")
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify")
    assert str(error.value).startswith("Event 2 does not match its hash")


def test_anchor_prints_the_signed_head(six_events, capsys):
    call_command("audit", "anchor")
    head = AuditHead.objects.get()
    assert capsys.readouterr().out.strip() == f"6 {head.last_hash} {head.signature}"


@pytest.mark.postgres
def test_postgresql_refuses_changes_to_audit_rows(six_events):
    if connection.vendor != "postgresql":
        pytest.skip("The append-only trigger exists on PostgreSQL only.")
    refused = pytest.raises(DatabaseError, match="audit events are append-only")
    with refused, transaction.atomic():
        AuditEvent.objects.filter(id=1).update(object_id="0")
    refused = pytest.raises(DatabaseError, match="audit events are append-only")
    with refused, transaction.atomic():
        AuditEvent.objects.filter(id=1).delete()
