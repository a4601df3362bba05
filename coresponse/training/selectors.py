"""Reads of training records, scoped to the organizations whose network the actor runs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from coresponse.accounts.access import Actor
from coresponse.network.scope import network_organization_ids
from coresponse.training.measures import officers_on_roster
from coresponse.training.models import (
    Certification,
    IncidentOfficer,
    Officer,
    RideAlong,
    TrainingSession,
)

# Lapsed certifications stay on the reminder list this long after they expired.
LAPSED_LISTED_DAYS = 90


def officers_visible_to(actor: Actor) -> QuerySet[Officer]:
    """Officer records of the organizations whose network the actor runs."""
    return Officer.objects.filter(
        organization_id__in=network_organization_ids(actor)
    ).select_related("department")


def sessions_visible_to(actor: Actor) -> QuerySet[TrainingSession]:
    """Training sessions of the actor's organizations, with attendance counts and hours."""
    return (
        TrainingSession.objects.filter(organization_id__in=network_organization_ids(actor))
        .select_related("host_department")
        .annotate(
            officer_count=Count("attendances"), officer_hours=Sum("attendances__hours_attended")
        )
        # Meta.ordering does not apply to aggregated queries.
        .order_by("-starts_on", "title")
    )


def ride_alongs_visible_to(actor: Actor) -> QuerySet[RideAlong]:
    """Ride-alongs of the actor's organizations."""
    return RideAlong.objects.filter(
        organization_id__in=network_organization_ids(actor)
    ).select_related("department", "officer")


def incident_officers_visible_to(actor: Actor) -> QuerySet[IncidentOfficer]:
    """Officers recorded at CAD incidents, in the actor's organizations."""
    return IncidentOfficer.objects.filter(
        organization_id__in=network_organization_ids(actor)
    ).select_related("officer", "department")


@dataclass(frozen=True)
class RenewalDue:
    """A certification whose holder must renew soon, or has let it lapse recently."""

    certification: Certification
    days_left: int

    @property
    def is_lapsed(self) -> bool:
        return self.days_left < 0


def renewals_due(
    *, organization_ids: Iterable[int], on: datetime.date, within_days: int
) -> list[RenewalDue]:
    """Latest certifications of officers on the roster that expire within `within_days` of
    `on`, or expired in the last 90 days, and have not been renewed, soonest first."""
    ids = list(organization_ids)
    candidates = (
        Certification.objects.filter(
            organization_id__in=ids,
            expires_on__gte=on - datetime.timedelta(days=LAPSED_LISTED_DAYS),
            expires_on__lte=on + datetime.timedelta(days=within_days),
        )
        .select_related("officer", "officer__department")
        .order_by("expires_on", "officer__last_name")
    )
    department_ids = {certification.officer.department_id for certification in candidates}
    on_roster = set(
        Officer.objects.filter(officers_on_roster(department_ids, on)).values_list("id", flat=True)
    )
    due = []
    for certification in candidates:
        renewed = Certification.objects.filter(
            officer_id=certification.officer_id,
            kind=certification.kind,
            expires_on__gt=certification.expires_on,
        ).exists()
        if certification.officer_id in on_roster and not renewed:
            due.append(RenewalDue(certification, (certification.expires_on - on).days))
    return due
