"""Writes of training: officers, sessions, attendance (which issues certifications), ride-alongs,
officers at incidents (which set "CIT-trained officer present" on encounters).

Certification rules (README "Training"):

- completing a CIT 40-hour session (attended hours ≥ the session's hours) earns a CIT
  certification from the session's last day, valid two years;
- completing a session marked `renews_cit` (a CIT refresher in-service) renews it, from the
  session's last day, but only for an officer who has held a CIT certification before;
- completing mental health first aid earns an MHFA certification valid three years;
- attendance below the session's hours earns nothing; correcting attendance below it
  withdraws the certification that session issued.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.network.scope import check_runs_network
from coresponse.programs.models import Department
from coresponse.training.cit import rederive_incident
from coresponse.training.models import (
    VALIDITY_YEARS,
    Attendance,
    Certification,
    CertificationKind,
    IncidentOfficer,
    Officer,
    RideAlong,
    SessionKind,
    TrainingSession,
)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def expiry_for(kind: str, earned_on: datetime.date) -> datetime.date:
    """The last valid day of a certification earned on `earned_on`."""
    return add_years(earned_on, VALIDITY_YEARS[CertificationKind(kind)]) - datetime.timedelta(
        days=1
    )


@dataclass
class OfficerInput:
    department: Department
    first_name: str
    last_name: str
    badge_number: str
    joined_on: datetime.date
    rank: str = ""
    email: str = ""
    left_on: datetime.date | None = None


def _officer_errors(data: OfficerInput, officer: Officer | None) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.first_name.strip() or not data.last_name.strip():
        errors["last_name"] = ["Give the officer's first and last name."]
    if not data.badge_number.strip():
        errors["badge_number"] = ["Give the badge number."]
    elif (
        Officer.objects.filter(department=data.department, badge_number=data.badge_number.strip())
        .exclude(pk=officer.pk if officer else 0)
        .exists()
    ):
        errors["badge_number"] = [
            f"Badge {data.badge_number.strip()} is already on the {data.department} roster."
        ]
    if data.left_on is not None and data.left_on < data.joined_on:
        errors["left_on"] = ["An officer cannot leave before joining."]
    return errors


@transaction.atomic
def officer_save(*, actor: User, data: OfficerInput, officer: Officer | None = None) -> Officer:
    """Add an officer to a department's roster, or change one."""
    check_runs_network(actor, data.department.organization_id)
    if officer is not None:
        check_runs_network(actor, officer.organization_id)
    errors = _officer_errors(data, officer)
    if errors:
        raise ValidationError(errors)
    is_new = officer is None
    officer = officer or Officer(organization_id=data.department.organization_id)
    officer.department = data.department
    officer.first_name = data.first_name.strip()
    officer.last_name = data.last_name.strip()
    officer.badge_number = data.badge_number.strip()
    officer.rank = data.rank.strip()
    officer.email = data.email.strip()
    officer.joined_on = data.joined_on
    officer.left_on = data.left_on
    officer.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
        object_type="officer",
        object_id=officer.pk,
        organization_id=officer.organization_id,
    )
    return officer


@dataclass
class SessionInput:
    kind: str
    title: str
    starts_on: datetime.date
    ends_on: datetime.date
    hours: Decimal
    location: str = ""
    host_department: Department | None = None
    instructor: str = ""
    renews_cit: bool = False
    clinician_attendees: int = 0


def _session_errors(data: SessionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = ["Give the session a title."]
    if data.ends_on < data.starts_on:
        errors["ends_on"] = ["A session cannot end before it starts."]
    if data.hours <= 0:
        errors["hours"] = ["Hours must be more than 0."]
    if data.kind == SessionKind.CIT_40 and data.hours < 40:
        errors["hours"] = ["A CIT 40-hour course lasts at least 40 hours."]
    if data.renews_cit and data.kind != SessionKind.IN_SERVICE:
        errors["renews_cit"] = ["Only an in-service session can be a CIT refresher."]
    return errors


@transaction.atomic
def session_create(*, actor: User, organization_id: int, data: SessionInput) -> TrainingSession:
    """Schedule a training session."""
    check_runs_network(actor, organization_id)
    errors = _session_errors(data)
    if errors:
        raise ValidationError(errors)
    session = TrainingSession.objects.create(
        organization_id=organization_id,
        kind=data.kind,
        title=data.title.strip(),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        hours=data.hours,
        location=data.location.strip(),
        host_department=data.host_department,
        instructor=data.instructor.strip(),
        renews_cit=data.renews_cit,
        clinician_attendees=data.clinician_attendees,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="training_session",
        object_id=session.pk,
        organization_id=organization_id,
    )
    return session


def _certification_earned(session: TrainingSession, officer: Officer) -> tuple[str, bool] | None:
    """The certification kind completing `session` earns `officer`, and whether it renews."""
    if session.kind == SessionKind.CIT_40:
        return CertificationKind.CIT, False
    if session.kind == SessionKind.MHFA:
        return CertificationKind.MHFA, False
    if session.renews_cit:
        held_before = Certification.objects.filter(
            officer=officer, kind=CertificationKind.CIT, earned_on__lte=session.ends_on
        ).exclude(session=session)
        if held_before.exists():
            return CertificationKind.CIT, True
    return None


def _sync_certification(attendance: Attendance) -> Certification | None:
    session = attendance.session
    issued = Certification.objects.filter(officer=attendance.officer, session=session)
    earned = _certification_earned(session, attendance.officer)
    if not attendance.is_complete or earned is None:
        issued.delete()
        return None
    kind, is_renewal = earned
    certification, _ = Certification.objects.update_or_create(
        officer=attendance.officer,
        session=session,
        defaults={
            "organization_id": session.organization_id,
            "kind": kind,
            "earned_on": session.ends_on,
            "expires_on": expiry_for(kind, session.ends_on),
            "is_renewal": is_renewal,
        },
    )
    return certification


@transaction.atomic
def attendance_record(
    *, actor: User, session: TrainingSession, officer: Officer, hours_attended: Decimal
) -> Attendance:
    """Record (or correct) the hours an officer attended; issues or withdraws a certification."""
    check_runs_network(actor, session.organization_id)
    if officer.organization_id != session.organization_id:
        raise ValidationError({"officer": ["That officer is not on this organization's rosters."]})
    if hours_attended < 0 or hours_attended > session.hours:
        raise ValidationError(
            {
                "hours_attended": [
                    f"Hours attended must be between 0 and {session.hours.normalize():f}."
                ]
            }
        )
    if not officer.is_on_roster(session.ends_on):
        raise ValidationError(
            {"officer": [f"{officer} was not on the roster on {session.ends_on:%Y-%m-%d}."]}
        )
    attendance, _ = Attendance.objects.update_or_create(
        session=session, officer=officer, defaults={"hours_attended": hours_attended}
    )
    certification = _sync_certification(attendance)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="attendance",
        object_id=attendance.pk,
        organization_id=session.organization_id,
        detail={
            "hours": str(hours_attended),
            "certification": certification.pk if certification else None,
        },
    )
    return attendance


@dataclass
class RideAlongInput:
    department: Department
    ridden_on: datetime.date
    hours: Decimal
    rider_name: str
    rider_role: str
    officer: Officer | None = None
    notes: str = ""


@transaction.atomic
def ride_along_record(*, actor: User, data: RideAlongInput) -> RideAlong:
    """Log a ride-along."""
    check_runs_network(actor, data.department.organization_id)
    errors: dict[str, list[str]] = {}
    if not data.rider_name.strip():
        errors["rider_name"] = ["Say who rode along."]
    if data.hours <= 0 or data.hours > 24:
        errors["hours"] = ["Hours must be more than 0 and at most 24."]
    if data.ridden_on > timezone.localdate():
        errors["ridden_on"] = ["A ride-along cannot be logged ahead of time."]
    if data.officer is not None and data.officer.department_id != data.department.pk:
        errors["officer"] = [f"{data.officer} is not on the {data.department} roster."]
    if errors:
        raise ValidationError(errors)
    ride_along = RideAlong.objects.create(
        organization_id=data.department.organization_id,
        department=data.department,
        ridden_on=data.ridden_on,
        hours=data.hours,
        rider_name=data.rider_name.strip(),
        rider_role=data.rider_role,
        officer=data.officer,
        notes=data.notes.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        object_type="ride_along",
        object_id=ride_along.pk,
        organization_id=ride_along.organization_id,
    )
    return ride_along


@transaction.atomic
def incident_officers_set(
    *, actor: User, department: Department, incident_number: str, officers: list[Officer]
) -> int:
    """Record which officers responded to a CAD incident; re-derives its encounters.

    Returns how many encounters had "CIT-trained officer present" changed.
    """
    check_runs_network(actor, department.organization_id)
    incident_number = incident_number.strip()
    if not incident_number:
        raise ValidationError({"incident_number": ["Give the CAD incident number."]})
    strangers = [officer for officer in officers if officer.department_id != department.pk]
    if strangers:
        raise ValidationError({"officers": [f"{strangers[0]} is not on the {department} roster."]})
    IncidentOfficer.objects.filter(department=department, incident_number=incident_number).delete()
    IncidentOfficer.objects.bulk_create(
        IncidentOfficer(
            organization_id=department.organization_id,
            department=department,
            incident_number=incident_number,
            officer=officer,
        )
        for officer in officers
    )
    changed = rederive_incident(department_id=department.pk, incident_number=incident_number)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        object_type="incident_officers",
        object_id=f"{department.pk}:{incident_number}",
        organization_id=department.organization_id,
        detail={"officers": [officer.pk for officer in officers], "encounters_changed": changed},
    )
    return changed
