"""The shared shapes of measures: what is measured (Selection) and a rate's parts (Rate)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from django.conf import settings


@dataclass(frozen=True)
class Selection:
    """Which records a measure covers: an organization's departments over a half-open period.

    `start` is included and `end` excluded, both local calendar dates. Department ids are
    resolved from organization/program/department choices by the caller (and already cut
    to what the acting user may see). When `program_ids` is not empty only that program's
    records count. `time_zone` names the zone whose calendar days the period counts in
    (the organization's; empty means the installation's TIME_ZONE).
    """

    department_ids: frozenset[int]
    start: datetime.date
    end: datetime.date
    program_ids: frozenset[int] = field(default_factory=frozenset)
    time_zone: str = ""

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone or settings.TIME_ZONE)

    @property
    def start_at(self) -> datetime.datetime:
        """The first instant of the period (local midnight of `start`)."""
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=self.zone)

    @property
    def end_at(self) -> datetime.datetime:
        """The first instant after the period (local midnight of `end`)."""
        return datetime.datetime.combine(self.end, datetime.time.min, tzinfo=self.zone)

    def with_period(self, start: datetime.date, end: datetime.date) -> Selection:
        """The same departments and programs over another period."""
        return replace(self, start=start, end=end)

    def previous(self) -> Selection:
        """The period of equal length just before this one.

        Whole months shift by the same number of months (2017–2021 → 2012–2016), so leap
        days never move a boundary; other periods shift by the same number of days.
        """
        if self.start.day == 1 and self.end.day == 1:
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            return self.with_period(add_months(self.start, -months), self.start)
        days = (self.end - self.start).days
        return self.with_period(self.start - datetime.timedelta(days=days), self.start)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Rate:
    """numerator ÷ denominator; `value` is None when the denominator is 0."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        if self.denominator == 0:
            return None
        return self.numerator / self.denominator

    def as_dict(self) -> dict[str, int | float | None]:
        return {"numerator": self.numerator, "denominator": self.denominator, "value": self.value}


@dataclass(frozen=True)
class Change:
    """A count in a period against the period of equal length just before it.

    `value` is the relative change ((current − previous) ÷ previous, 0.38 for +38%), None
    when the previous period counted nothing.
    """

    current: int
    previous: int
    previous_start: datetime.date
    previous_end: datetime.date

    @property
    def value(self) -> float | None:
        if self.previous == 0:
            return None
        return (self.current - self.previous) / self.previous

    def as_dict(self) -> dict[str, int | float | str | None]:
        return {
            "current": self.current,
            "previous": self.previous,
            "previous_start": self.previous_start.isoformat(),
            "previous_end": self.previous_end.isoformat(),
            "value": self.value,
        }
