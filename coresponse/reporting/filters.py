"""The dashboard's filters: which months, and by month, quarter or year."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

from coresponse.reporting.dashboard import default_range
from coresponse.reporting.measures.types import add_months

GRANULARITIES = ("month", "quarter", "year")


def _month(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None


@dataclass(frozen=True)
class DashboardFilters:
    start: datetime.date
    end: datetime.date
    by: str
    errors: list[str] = field(default_factory=list)

    @property
    def last_month(self) -> datetime.date:
        return add_months(self.end, -1)

    @classmethod
    def from_query(
        cls, query: Mapping[str, str], today: datetime.date, *, default_by: str = "month"
    ) -> DashboardFilters:
        """From ?from=YYYY-MM&to=YYYY-MM (both months included)&by=...; bad input falls back to
        the default range with a message."""
        start, end = default_range(today)
        by = query.get("by", default_by)
        errors = []
        if by not in GRANULARITIES:
            errors.append("Show by month, quarter or year.")
            by = "month"
        first, last = _month(query.get("from", "")), _month(query.get("to", ""))
        if query.get("from") and first is None:
            errors.append("Write the first month as YYYY-MM.")
        if query.get("to") and last is None:
            errors.append("Write the last month as YYYY-MM.")
        if first and last:
            if last < first:
                errors.append("The last month is before the first month.")
            elif (last.year - first.year) * 12 + last.month - first.month >= 240:
                errors.append("Choose at most 20 years.")
            else:
                start, end = first, add_months(last, 1)
        if by != "month":
            # Quarters and years are shown whole: widen to their calendar boundaries.
            step = 3 if by == "quarter" else 12
            start = add_months(start, -((start.month - 1) % step))
            end = add_months(end, (step - (end.month - 1) % step) % step)
        return cls(start=start, end=end, by=by, errors=errors)
