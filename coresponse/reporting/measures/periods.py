"""Splitting a selection's period into months, quarters or years."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from coresponse.reporting.measures.types import add_months


class Granularity(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_MONTHS = {Granularity.MONTH: 1, Granularity.QUARTER: 3, Granularity.YEAR: 12}


@dataclass(frozen=True)
class Period:
    """A half-open run of local days [start, end)."""

    start: datetime.date
    end: datetime.date

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end.day == 1

    @property
    def label(self) -> str:
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
        if not self.is_whole_months:
            last = self.end - datetime.timedelta(days=1)
            return f"{self.start:%Y-%m-%d} – {last:%Y-%m-%d}"
        if months == 1:
            return f"{self.start:%b %Y}"
        if months == 3 and self.start.month % 3 == 1:
            return f"Q{(self.start.month - 1) // 3 + 1} {self.start.year}"
        if months == 12 and self.start.month == 1:
            return f"{self.start.year}"
        last = add_months(self.end, -1)
        if self.start.month == 1 and last.month == 12:
            return f"{self.start.year}–{last.year}"
        return f"{self.start:%b %Y} – {last:%b %Y}"


def split_period(start: datetime.date, end: datetime.date, by: Granularity) -> list[Period]:
    """Calendar months, quarters or years covering [start, end), clipped to it."""
    step = _MONTHS[Granularity(by)]
    periods = []
    first = datetime.date(start.year, start.month, 1)
    # Quarters and years start on calendar boundaries (January, April, July, October).
    first = add_months(first, -((first.month - 1) % step))
    while first < end:
        following = add_months(first, step)
        periods.append(Period(max(first, start), min(following, end)))
        first = following
    return periods
