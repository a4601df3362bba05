"""Training measures per department: one typed function (README "Training")."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from coresponse.programs.models import Department
from coresponse.training.models import Certification, CertificationKind, Officer


@dataclass(frozen=True)
class DepartmentTraining:
    """Officers of one department on one day: on the roster, CIT-trained, CIT-certified."""

    department_id: int
    department_name: str
    officers: int
    trained: int
    certified: int

    @property
    def trained_share(self) -> float | None:
        return self.trained / self.officers if self.officers else None

    @property
    def certified_share(self) -> float | None:
        return self.certified / self.officers if self.officers else None


def officers_on_roster(department_ids: Iterable[int], on: datetime.date) -> Q:
    """Officers of these departments who had joined and not left on `on`."""
    return (
        Q(department_id__in=list(department_ids))
        & Q(joined_on__lte=on)
        & (Q(left_on__isnull=True) | Q(left_on__gte=on))
    )


def officer_training_shares(
    *, department_ids: Iterable[int], on: datetime.date
) -> list[DepartmentTraining]:
    """Share of each department's officers CIT-trained and currently CIT-certified.

    Denominator: officers on the department's roster on `on` (joined on or before it, not
    left before it). Numerator "trained": those of them who had earned a CIT certification
    (a completed CIT 40-hour course or a certification recorded from elsewhere) on or before
    `on`. Numerator "certified": those holding a CIT certification valid on `on`
    (earned_on ≤ on ≤ expires_on). Period: the single day `on`.
    """
    ids = list(department_ids)
    roster = list(
        Officer.objects.filter(officers_on_roster(ids, on)).values_list("id", "department_id")
    )
    officer_ids = [officer_id for officer_id, _ in roster]
    cit = Certification.objects.filter(
        officer_id__in=officer_ids, kind=CertificationKind.CIT, earned_on__lte=on
    )
    trained = set(cit.values_list("officer_id", flat=True))
    certified = set(cit.filter(expires_on__gte=on).values_list("officer_id", flat=True))
    results = []
    for department in Department.objects.filter(id__in=ids).order_by("name"):
        members = [officer_id for officer_id, dept in roster if dept == department.pk]
        results.append(
            DepartmentTraining(
                department_id=department.pk,
                department_name=department.name,
                officers=len(members),
                trained=sum(1 for officer_id in members if officer_id in trained),
                certified=sum(1 for officer_id in members if officer_id in certified),
            )
        )
    return results
