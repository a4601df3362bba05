"""Measures of the replication network: one typed function each (README "Pipeline and TA").

They take organization ids (None: every organization, as the public site shows) and never
read person-level data.
"""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min

from coresponse.network.models import Replication
from coresponse.programs.models import ProgramDepartment


@dataclass(frozen=True)
class LaunchTime:
    """Days from first inquiry to launch over the sites launched in a period."""

    sites: int
    total_days: int
    median_days: float | None

    @property
    def mean_days(self) -> float | None:
        return self.total_days / self.sites if self.sites else None


def time_from_inquiry_to_launch(
    *,
    start: datetime.date,
    end: datetime.date,
    organization_ids: Iterable[int] | None = None,
) -> LaunchTime:
    """Mean and median days from inquiry to launch.

    Numerator: the sum over sites of (launch date − inquiry date) in days.
    Denominator: pipeline sites whose launch date falls in the period [start, end] (both
    inclusive) and that have both dates. Sites launched before the pipeline was kept (no
    inquiry date) are not counted. Period: by launch date.
    """
    sites = Replication.objects.filter(
        launched_on__isnull=False, launched_on__gte=start, launched_on__lte=end
    )
    if organization_ids is not None:
        sites = sites.filter(organization_id__in=list(organization_ids))
    durations = [
        (launched_on - inquiry_on).days
        for inquiry_on, launched_on in sites.values_list("inquiry_on", "launched_on")
        if launched_on is not None
    ]
    return LaunchTime(
        sites=len(durations),
        total_days=sum(durations),
        median_days=float(statistics.median(durations)) if durations else None,
    )


def sites_launched_per_year(
    *,
    first_year: int,
    last_year: int,
    organization_ids: Iterable[int] | None = None,
) -> dict[int, int]:
    """Departments whose program launched in each calendar year.

    Numerator: departments whose first launch date (the earliest `ProgramDepartment
    .launched_on` of the department, over every program serving it) falls in the year.
    Denominator: none (a count). Period: calendar years first_year..last_year, each year
    present with 0 when nothing launched. A regional program launching in two towns counts
    two sites.
    """
    links = ProgramDepartment.objects.all()
    if organization_ids is not None:
        links = links.filter(department__organization_id__in=list(organization_ids))
    counts = dict.fromkeys(range(first_year, last_year + 1), 0)
    for row in links.values("department_id").annotate(first=Min("launched_on")):
        year = row["first"].year
        if year in counts:
            counts[year] += 1
    return counts
