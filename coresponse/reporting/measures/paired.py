"""Re-occurring contacts before and after an attended referral, paired by person."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from coresponse.referrals.models import Referral
from coresponse.reporting.facts import day_number
from coresponse.reporting.measures.figures import Figures
from coresponse.reporting.models import EncounterFact

WINDOW_DAYS = 90


@dataclass(frozen=True)
class BeforeAfter:
    """Encounters of the same people in the N days before and after their attended referral."""

    people: int
    before: int
    after: int
    fewer_after: int
    days: int

    @property
    def value(self) -> float | None:
        if self.before == 0:
            return None
        return (self.after - self.before) / self.before

    def as_dict(self) -> dict[str, int | float | None]:
        return {
            "people": self.people,
            "before": self.before,
            "after": self.after,
            "fewer_after": self.fewer_after,
            "days": self.days,
            "value": self.value,
        }


def contacts_before_after_referral(
    figures: Figures, *, days: int = WINDOW_DAYS, today: datetime.date | None = None
) -> BeforeAfter:
    """Re-occurring contacts before/after an attended referral (paired).

    People: identified people whose first attended referral of the selection in the period was
    attended on day A, with A + `days` already past (so the after-window is complete).
    Before: their counted encounters in the selection on days [A − days, A). After: on days
    (A, A + days]; the day of attendance itself is in neither. Value: (after − before) ÷ before.
    Fewer after: people with fewer encounters after than before.
    """
    selection = figures.selection
    last_anchor = day_number(today or timezone.localdate()) - days
    referrals = Referral.objects.filter(
        department_id__in=selection.department_ids,
        person__isnull=False,
        attended_at__gte=selection.start_at,
        attended_at__lt=selection.end_at,
    )
    if selection.program_ids:
        referrals = referrals.filter(program_id__in=selection.program_ids)
    anchors: dict[int, int] = {}
    zone = selection.zone
    for person_id, attended_at in referrals.order_by("attended_at").values_list(
        "person_id", "attended_at"
    ):
        if person_id is None or attended_at is None:
            continue
        anchor = day_number(attended_at.astimezone(zone).date())
        if person_id not in anchors and anchor <= last_anchor:
            anchors[person_id] = anchor
    if not anchors:
        return BeforeAfter(people=0, before=0, after=0, fewer_after=0, days=days)
    facts = EncounterFact.objects.filter(
        person_id__in=list(anchors), department_id__in=selection.department_ids
    )
    if selection.program_ids:
        facts = facts.filter(program_id__in=selection.program_ids)
    before: dict[int, int] = dict.fromkeys(anchors, 0)
    after: dict[int, int] = dict.fromkeys(anchors, 0)
    for fact_person, day in facts.values_list("person_id", "day"):
        if fact_person is None:
            continue
        anchor = anchors[fact_person]
        if anchor - days <= day < anchor:
            before[fact_person] += 1
        elif anchor < day <= anchor + days:
            after[fact_person] += 1
    return BeforeAfter(
        people=len(anchors),
        before=sum(before.values()),
        after=sum(after.values()),
        fewer_after=sum(1 for person in anchors if after[person] < before[person]),
        days=days,
    )
