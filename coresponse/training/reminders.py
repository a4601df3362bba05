"""Renewal reminders: one e-mail per certification due, sent once, to the officer alone."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.network.scope import check_runs_network
from coresponse.training.selectors import RenewalDue, renewals_due


@dataclass(frozen=True)
class ReminderRun:
    sent: int
    already_sent: int
    without_address: int


def reminder_text(due: RenewalDue) -> tuple[str, str]:
    """Subject and body of the reminder for one certification."""
    certification = due.certification
    kind = certification.get_kind_display()
    if due.is_lapsed:
        subject = f"Your {kind} certification expired on {certification.expires_on:%B %-d, %Y}"
        opening = f"Your {kind} certification expired on {certification.expires_on:%B %-d, %Y}."
    else:
        subject = f"Your {kind} certification expires on {certification.expires_on:%B %-d, %Y}"
        opening = (
            f"Your {kind} certification expires on {certification.expires_on:%B %-d, %Y} "
            f"({due.days_left} days from now)."
        )
    renewal = (
        "Attend a CIT refresher in-service to renew it."
        if certification.kind == "cit"
        else "Attend a mental health first aid course to renew it."
    )
    body = (
        f"{certification.officer},\n\n{opening}\n{renewal}\n\n"
        "Your training coordinator can tell you the next dates.\n"
    )
    return subject, body


def renewal_reminders_send(
    *,
    actor: User | None,
    organization_ids: Iterable[int],
    on: datetime.date,
    within_days: int,
) -> ReminderRun:
    """Send each due certification's holder one reminder, once (a command passes actor=None)."""
    ids = list(organization_ids)
    if actor is not None:
        for organization_id in ids:
            check_runs_network(actor, organization_id)
    sent = already = without_address = 0
    connection = get_connection()
    for due in renewals_due(organization_ids=ids, on=on, within_days=within_days):
        certification = due.certification
        if certification.reminder_sent_at is not None:
            already += 1
            continue
        if not certification.officer.email:
            without_address += 1
            continue
        subject, body = reminder_text(due)
        with transaction.atomic():
            EmailMessage(
                subject, body, to=[certification.officer.email], connection=connection
            ).send()
            certification.reminder_sent_at = timezone.now()
            certification.save(update_fields=["reminder_sent_at", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                object_type="certification_reminder",
                object_id=certification.pk,
                organization_id=certification.organization_id,
            )
        sent += 1
    return ReminderRun(sent=sent, already_sent=already, without_address=without_address)
