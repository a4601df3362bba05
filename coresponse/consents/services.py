"""Writes of consents: record, revoke, and authorize one disclosure (42 CFR Part 2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coresponse.accounts.access import access_for
from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.consents.models import Consent
from coresponse.consents.selectors import consent_covering
from coresponse.directory.models import Service
from coresponse.people.models import Person
from coresponse.people.selectors import people_clinically_visible_to


@dataclass(frozen=True)
class ConsentInput:
    recipient_name: str
    purpose: str
    scope: str
    signed_on: datetime.date
    covers_part2: bool = False
    expires_on: datetime.date | None = None
    recipient_service: Service | None = None


def _validate(data: ConsentInput, today: datetime.date) -> None:
    errors: dict[str, str] = {}
    if not data.recipient_name.strip() and data.recipient_service is None:
        errors["recipient_name"] = "Name the recipient (a person, program or organization)."
    if not data.purpose.strip():
        errors["purpose"] = "State the purpose of the disclosure."
    if not data.scope.strip():
        errors["scope"] = "Describe what information may be shared."
    if data.signed_on > today:
        errors["signed_on"] = "The signature date cannot be in the future."
    if data.expires_on is not None and data.expires_on < data.signed_on:
        errors["expires_on"] = "The consent cannot expire before it was signed."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consent_create(*, actor: User, person: Person, data: ConsentInput) -> Consent:
    """Record a signed release of information for a person the actor sees clinically."""
    if not people_clinically_visible_to(actor).filter(pk=person.pk).exists():
        raise ValidationError("Only the person's clinical staff can record a consent.")
    _validate(data, timezone.localdate())
    recipient_name = " ".join(data.recipient_name.split()) or (
        data.recipient_service.name if data.recipient_service else ""
    )
    consent = Consent.objects.create(
        organization_id=person.organization_id,
        person=person,
        recipient_name=recipient_name,
        recipient_service=data.recipient_service,
        purpose=data.purpose.strip(),
        scope=data.scope.strip(),
        covers_part2=data.covers_part2,
        signed_on=data.signed_on,
        expires_on=data.expires_on,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="consent",
        object_id=consent.pk,
        organization_id=consent.organization_id,
        detail={"person": person.pk, "covers_part2": consent.covers_part2},
    )
    return consent


@transaction.atomic
def consent_revoke(*, actor: User, consent: Consent) -> Consent:
    """Record the person's revocation: no disclosure relies on this consent from now on."""
    if consent.revoked_at is not None:
        raise ValidationError("This consent was already revoked.")
    if not access_for(actor).is_clinical:
        raise ValidationError("Only clinical staff can record a revocation.")
    consent.revoked_at = timezone.now()
    consent.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="consent",
        object_id=consent.pk,
        organization_id=consent.organization_id,
        detail={"person": consent.person_id, "revoked": True},
    )
    return consent


def disclosure_authorize(
    *,
    actor: User,
    person: Person,
    channel: str,
    needs_part2: bool,
    recipient_service: Service | None = None,
    recipient_name: str = "",
) -> Consent:
    """Check that a consent covers this disclosure outside the program, and audit it.

    `channel` says how the information leaves (referral, print, export, api). Raises a
    ValidationError naming the missing consent; the caller then shares nothing.
    """
    consent = consent_covering(
        person=person,
        recipient_service=recipient_service,
        recipient_name=recipient_name,
        needs_part2=needs_part2,
    )
    recipient = recipient_service.name if recipient_service else recipient_name
    if consent is None:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DISCLOSE,
            object_type="person",
            object_id=person.pk,
            organization_id=person.organization_id,
            outcome=AuditEvent.Outcome.DENIED,
            detail={"channel": channel, "recipient": recipient, "part2": needs_part2},
        )
        kind = "Part 2 consent" if needs_part2 else "consent"
        raise ValidationError(
            f"No active {kind} covers sharing this person's information with {recipient}. "
            "Record the person's signed consent first."
        )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.DISCLOSE,
        object_type="person",
        object_id=person.pk,
        organization_id=person.organization_id,
        detail={
            "channel": channel,
            "recipient": recipient,
            "part2": needs_part2,
            "consent": consent.pk,
        },
    )
    return consent
