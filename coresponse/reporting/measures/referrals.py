"""Referral and follow-up measures: is the loop closed after the hand-off?

Every function takes a `Selection` (departments, optional programs, half-open local-date
period) and counts records attributed to those departments. Dates are local calendar days
of the installation's time zone. Information-only referrals (a phone number given, nothing
handed off) are left out of the referral measures: there is no loop to close.
"""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from coresponse.encounters.models import Encounter
from coresponse.referrals.models import FollowUp, Referral
from coresponse.reporting.facts import COUNTED_STATUSES
from coresponse.reporting.measures.types import Rate, Selection


def _moment(day: datetime.date) -> datetime.datetime:
    """Local midnight at the start of `day`, as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_selection(queryset: QuerySet, selection: Selection, moment_field: str) -> QuerySet:
    queryset = queryset.filter(
        department_id__in=selection.department_ids,
        **{
            f"{moment_field}__gte": _moment(selection.start),
            f"{moment_field}__lt": _moment(selection.end),
        },
    )
    if selection.program_ids:
        queryset = queryset.filter(program_id__in=selection.program_ids)
    return queryset


def _loop_referrals(selection: Selection) -> QuerySet[Referral]:
    return _in_selection(Referral.objects.all(), selection, "referred_at").exclude(
        kind=Referral.Kind.INFORMATION_ONLY
    )


def referral_closed_loop_rate(
    selection: Selection, *, as_of: datetime.datetime | None = None
) -> Rate:
    """Share of referrals whose loop was closed.

    Numerator: referrals of the denominator whose status reached "closed" (closed_at set)
    at or before `as_of` (default: now).
    Denominator: warm hand-off and appointment-made referrals made in the selection's
    departments (and programs) with `referred_at` in the period.
    Period: the referral date, [start, end).
    """
    as_of = as_of or timezone.now()
    referrals = _loop_referrals(selection)
    return Rate(
        numerator=referrals.filter(closed_at__isnull=False, closed_at__lte=as_of).count(),
        denominator=referrals.count(),
    )


def referral_attended_share(
    selection: Selection, *, as_of: datetime.datetime | None = None
) -> Rate:
    """Share of referrals with a known attendance outcome that were attended.

    Numerator: referrals of the denominator recorded as attended.
    Denominator: warm hand-off and appointment-made referrals made in the period whose
    outcome "attended" or "did not attend" was recorded at or before `as_of` (default: now).
    Declined and still-open referrals are not in it (see the closed-loop rate).
    Period: the referral date, [start, end).
    """
    as_of = as_of or timezone.now()
    known = _loop_referrals(selection).filter(
        outcome__in=[Referral.Outcome.ATTENDED, Referral.Outcome.NOT_ATTENDED],
        outcome_at__lte=as_of,
    )
    return Rate(
        numerator=known.filter(outcome=Referral.Outcome.ATTENDED).count(),
        denominator=known.count(),
    )


def follow_ups_on_time_rate(
    selection: Selection, *, as_of: datetime.datetime | None = None
) -> Rate:
    """Share of follow-ups completed by their due date.

    Numerator: follow-ups of the denominator marked done with a completion date (local)
    on or before their due date (local).
    Denominator: follow-ups due in the period that were not cancelled and were either done
    or already past due at `as_of` (default: now) — open tasks not yet due are not counted.
    Period: the due date, [start, end).
    """
    as_of = as_of or timezone.now()
    follow_ups = (
        _in_selection(FollowUp.objects.all(), selection, "due_at")
        .exclude(status=FollowUp.Status.CANCELLED)
        .filter(
            Q(status=FollowUp.Status.DONE, completed_at__lte=as_of)
            | Q(due_at__lt=_moment(timezone.localdate(as_of)))
        )
    )
    on_time = sum(
        1
        for status, due_at, completed_at in follow_ups.values_list(
            "status", "due_at", "completed_at"
        )
        if status == FollowUp.Status.DONE
        and completed_at is not None
        and completed_at <= as_of
        and timezone.localdate(completed_at) <= timezone.localdate(due_at)
    )
    return Rate(numerator=on_time, denominator=follow_ups.count())


@dataclass(frozen=True)
class DaysSummary:
    """A distribution of whole days: how many, and its median, mean, least and most."""

    count: int
    median: float | None
    mean: float | None
    minimum: int | None
    maximum: int | None

    def as_dict(self) -> dict[str, int | float | None]:
        return {
            "count": self.count,
            "median": self.median,
            "mean": self.mean,
            "minimum": self.minimum,
            "maximum": self.maximum,
        }


def days_encounter_to_first_service(selection: Selection) -> DaysSummary:
    """Days from an encounter to the first service the person attended after a referral.

    Unit: counted encounters (submitted or locked; drafts never count) in the selection's
    departments (and programs) with `occurred_at` in the period and at least one referral
    from that encounter recorded as attended.
    Value: local calendar days from the encounter to the earliest attended referral
    (0 = same day). Mean is rounded to one decimal.
    Period: the encounter date, [start, end).
    """
    rows = (
        _in_selection(
            Encounter.objects.filter(status__in=COUNTED_STATUSES), selection, "occurred_at"
        )
        .filter(referrals__attended_at__isnull=False)
        .annotate(first_attended_at=Min("referrals__attended_at"))
        .values_list("occurred_at", "first_attended_at")
    )
    days = sorted(
        max(0, (timezone.localdate(attended) - timezone.localdate(occurred)).days)
        for occurred, attended in rows
    )
    if not days:
        return DaysSummary(count=0, median=None, mean=None, minimum=None, maximum=None)
    return DaysSummary(
        count=len(days),
        median=float(statistics.median(days)),
        mean=round(statistics.fmean(days), 1),
        minimum=days[0],
        maximum=days[-1],
    )
