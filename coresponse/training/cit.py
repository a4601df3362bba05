""" "CIT-trained officer present" on an encounter, derived from the training records.

Rule (README "Training"): an encounter's officers are the officers recorded as responding
to its CAD incident (`IncidentOfficer`, same department and incident number). When at least
one is recorded, the field is true if any of them held a CIT certification valid on the
encounter's local date, false otherwise. When none is recorded (or the encounter has no
incident number) the records say nothing, and the value the clinician entered stays.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from coresponse.encounters.models import Encounter
from coresponse.training.models import Certification, CertificationKind, IncidentOfficer


def cit_officer_present(
    *, department_id: int, incident_number: str, on: datetime.date
) -> bool | None:
    """Whether a CIT-certified officer responded to the incident (None: no officer recorded)."""
    if not incident_number.strip():
        return None
    officer_ids = list(
        IncidentOfficer.objects.filter(
            department_id=department_id, incident_number=incident_number.strip()
        ).values_list("officer_id", flat=True)
    )
    if not officer_ids:
        return None
    return Certification.objects.filter(
        officer_id__in=officer_ids,
        kind=CertificationKind.CIT,
        earned_on__lte=on,
        expires_on__gte=on,
    ).exists()


def derive_cit_officer_presence(encounter: Encounter) -> bool | None:
    """Set the encounter's "CIT-trained officer present" from the records, when they speak.

    Called by the encounter services after every save; writes only when the value changes.
    """
    derived = cit_officer_present(
        department_id=encounter.department_id,
        incident_number=encounter.cad_incident_number,
        on=timezone.localtime(encounter.occurred_at).date(),
    )
    if derived is None or derived == encounter.is_cit_officer_present:
        return encounter.is_cit_officer_present
    # A derived field: no new version, so a clinician's open form is not put in conflict.
    Encounter.objects.filter(pk=encounter.pk).update(is_cit_officer_present=derived)
    encounter.is_cit_officer_present = derived
    return derived


def rederive_incident(*, department_id: int, incident_number: str) -> int:
    """Re-derive every encounter of one CAD incident; returns how many changed."""
    changed = 0
    encounters = Encounter.objects.filter(
        department_id=department_id, cad_incident_number=incident_number
    ).only("id", "department_id", "cad_incident_number", "occurred_at", "is_cit_officer_present")
    for encounter in encounters:
        before = encounter.is_cit_officer_present
        if derive_cit_officer_presence(encounter) != before:
            changed += 1
    return changed
