"""Reads of the network: what TTAC staff see in the app, and what the public site publishes.

Nothing here is person-level. Staff reads start from the organizations whose network the
actor runs (`scope.network_organization_ids`); public reads publish only departments that
a program serves, never the pipeline (a town's inquiry is not public).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from coresponse.accounts.access import Actor
from coresponse.network.models import Replication, Stage, TAContact, TARequest, stage_label
from coresponse.network.scope import network_organization_ids
from coresponse.programs.models import Department, ProgramDepartment


def replications_visible_to(actor: Actor) -> QuerySet[Replication]:
    """Pipeline sites of the organizations whose network the actor runs."""
    return Replication.objects.filter(
        organization_id__in=network_organization_ids(actor)
    ).select_related("department", "owner")


def ta_requests_visible_to(actor: Actor) -> QuerySet[TARequest]:
    """Technical-assistance requests of the organizations whose network the actor runs."""
    return TARequest.objects.filter(
        organization_id__in=network_organization_ids(actor)
    ).select_related("department", "owner")


def ta_contacts_visible_to(actor: Actor) -> QuerySet[TAContact]:
    """Technical-assistance contacts of the organizations whose network the actor runs."""
    return TAContact.objects.filter(
        organization_id__in=network_organization_ids(actor)
    ).select_related("department", "staff", "request")


def departments_for_network(actor: Actor) -> QuerySet[Department]:
    """Departments of the organizations whose network the actor runs."""
    return Department.objects.filter(organization_id__in=network_organization_ids(actor)).order_by(
        "name"
    )


@dataclass
class NetworkSite:
    """One department on the map and the timeline."""

    department_id: int
    name: str
    towns: list[str]
    county: str
    state: str
    latitude: float | None
    longitude: float | None
    launched_on: datetime.date | None
    status: str
    status_label: str
    programs: list[str] = field(default_factory=list)
    is_regional: bool = False
    emergency_phone: str = ""
    business_phone: str = ""

    @property
    def launch_year(self) -> int | None:
        return self.launched_on.year if self.launched_on else None

    @property
    def town_list(self) -> str:
        return ", ".join(self.towns)


def _program_rows(
    organization_ids: frozenset[int] | None,
) -> dict[int, tuple[datetime.date, list[str], bool]]:
    links = ProgramDepartment.objects.select_related("program").order_by("launched_on")
    if organization_ids is not None:
        links = links.filter(department__organization_id__in=organization_ids)
    department_counts: dict[int, int] = {}
    for link in links:
        department_counts[link.program_id] = department_counts.get(link.program_id, 0) + 1
    rows: dict[int, tuple[datetime.date, list[str], bool]] = {}
    for link in links:
        first, names, is_regional = rows.get(link.department_id, (link.launched_on, [], False))
        names.append(link.program.name)
        rows[link.department_id] = (
            min(first, link.launched_on),
            names,
            is_regional or department_counts[link.program_id] > 1,
        )
    return rows


def _site(
    department: Department,
    launched_on: datetime.date | None,
    status: str,
    programs: list[str],
    is_regional: bool,
) -> NetworkSite:
    return NetworkSite(
        department_id=department.pk,
        name=department.name,
        towns=list(department.towns),
        county=department.county,
        state=department.state,
        latitude=float(department.latitude) if department.latitude is not None else None,
        longitude=float(department.longitude) if department.longitude is not None else None,
        launched_on=launched_on,
        status=status,
        status_label=stage_label(status),
        programs=programs,
        is_regional=is_regional,
        emergency_phone=department.emergency_phone,
        business_phone=department.business_phone,
    )


def public_network_sites() -> list[NetworkSite]:
    """Every department a program serves, with its first launch date (public map/history)."""
    rows = _program_rows(None)
    stages = dict(
        Replication.objects.filter(department_id__in=rows).values_list("department_id", "stage")
    )
    sites = []
    for department in Department.objects.filter(id__in=rows):
        launched_on, programs, is_regional = rows[department.pk]
        # The public status is launched or sustaining; earlier pipeline stages stay private.
        status = Stage.SUSTAINING if stages.get(department.pk) == Stage.SUSTAINING else "launched"
        sites.append(_site(department, launched_on, status, programs, is_regional))
    return sorted(sites, key=lambda site: (site.launched_on or datetime.date.max, site.name))


def network_sites_for(actor: Actor) -> list[NetworkSite]:
    """Served departments and pipeline sites of the actor's organizations (the staff map)."""
    organization_ids = network_organization_ids(actor)
    rows = _program_rows(organization_ids)
    replications = {
        replication.department_id: replication
        for replication in Replication.objects.filter(organization_id__in=organization_ids)
    }
    sites = []
    for department in Department.objects.filter(organization_id__in=organization_ids).filter(
        id__in=set(rows) | set(replications)
    ):
        launched_on, programs, is_regional = rows.get(department.pk, (None, [], False))
        replication = replications.get(department.pk)
        status = replication.stage if replication else Stage.LAUNCHED
        sites.append(_site(department, launched_on, status, programs, is_regional))
    return sorted(sites, key=lambda site: (site.launched_on or datetime.date.max, site.name))


def ta_hours_by_department(actor: Actor, *, year: int) -> list[tuple[str, Decimal, int]]:
    """TA hours and number of contacts per department in one calendar year, most hours first."""
    rows = (
        ta_contacts_visible_to(actor)
        .filter(contacted_on__year=year)
        .values("department__name")
        .annotate(total=Sum("hours"), contacts=Count("id"))
        .order_by("-total", "department__name")
    )
    return [(row["department__name"], row["total"], row["contacts"]) for row in rows]
