"""Reads of consents: which consents an actor sees, and which consent covers a disclosure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coresponse.accounts.access import Actor
from coresponse.consents.models import Consent
from coresponse.directory.models import Service
from coresponse.people.models import Person
from coresponse.people.selectors import people_clinically_visible_to


def consents_visible_to(actor: Actor) -> QuerySet[Consent]:
    """Consents of people the actor sees clinically (consents name Part 2 treatment)."""
    return Consent.objects.filter(person__in=people_clinically_visible_to(actor))


def consent_get(actor: Actor, consent_id: int) -> Consent:
    """One visible consent, or 404 (foreign and absent ids look the same)."""
    try:
        return (
            consents_visible_to(actor)
            .select_related("person", "recipient_service")
            .get(pk=consent_id)
        )
    except (Consent.DoesNotExist, ValueError, TypeError):
        raise Http404("No consent found.") from None


def consent_is_active(consent: Consent, on: datetime.date) -> bool:
    """Signed on or before `on`, not expired on `on`, never revoked."""
    return (
        consent.revoked_at is None
        and consent.signed_on <= on
        and (consent.expires_on is None or consent.expires_on >= on)
    )


def consent_covering(
    *,
    person: Person,
    recipient_service: Service | None = None,
    recipient_name: str = "",
    on: datetime.date | None = None,
    needs_part2: bool,
) -> Consent | None:
    """The active consent of `person` that covers disclosing to this recipient on `on`.

    The recipient is matched by directory service, or by name (case and spacing ignored)
    when the recipient is not in the directory. Disclosing Part 2 information needs a
    consent that covers Part 2. A revoked consent never covers a disclosure: revocation
    stops every disclosure from the moment it is recorded.
    """
    day = on or timezone.localdate()
    recipient = Q()
    if recipient_service is not None:
        recipient |= Q(recipient_service=recipient_service)
        recipient |= Q(
            recipient_service__isnull=True, recipient_name__iexact=recipient_service.name
        )
    name = " ".join(recipient_name.split())
    if name:
        recipient |= Q(recipient_name__iexact=name)
    if not recipient:
        return None
    consents = Consent.objects.filter(
        recipient,
        person=person,
        revoked_at__isnull=True,
        signed_on__lte=day,
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
    if needs_part2:
        consents = consents.filter(covers_part2=True)
    return consents.order_by("-signed_on", "-id").first()


@dataclass(frozen=True)
class PacketEncounter:
    occurred_at: datetime.datetime
    department: str
    presenting_problems: list[str]
    dispositions: list[str]
    note: str


@dataclass(frozen=True)
class DisclosurePacket:
    """What one consent lets the program send: Part 2 notes only under a Part 2 consent."""

    person: Person
    encounters: list[PacketEncounter]
    has_part2: bool
    withheld_part2_notes: int


def disclosure_packet(actor: Actor, consent: Consent) -> DisclosurePacket:
    """The encounters of the consent's person the actor sees clinically, cut to the consent."""
    from coresponse.audit.services import audit_reads
    from coresponse.encounters.selectors import encounters_clinically_visible_to

    encounters = list(
        encounters_clinically_visible_to(actor)
        .filter(person=consent.person)
        .select_related("department", "clinical_note")
        .prefetch_related("presenting_problems", "dispositions")
        .order_by("occurred_at")
    )
    audit_reads(
        actor=actor, object_type="encounter", objects=encounters, detail={"consent": consent.pk}
    )
    rows = []
    withheld = 0
    has_part2 = False
    for encounter in encounters:
        note = getattr(encounter, "clinical_note", None)
        text = note.text if note is not None else ""
        if note is not None and note.has_part2_information:
            if consent.covers_part2:
                has_part2 = True
            else:
                text = ""
                withheld += 1
        rows.append(
            PacketEncounter(
                occurred_at=encounter.occurred_at,
                department=encounter.department.name,
                presenting_problems=[code.label for code in encounter.presenting_problems.all()],
                dispositions=[code.label for code in encounter.dispositions.all()],
                note=text,
            )
        )
    return DisclosurePacket(consent.person, rows, has_part2, withheld)
