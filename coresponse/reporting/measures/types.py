"""The shared shapes of measures: what is measured (Selection) and a rate's parts (Rate)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Selection:
    """Which records a measure covers: an organization's departments over a half-open period.

    `start` is included and `end` excluded, both local calendar dates. Department ids are
    resolved from organization/program/department choices by the caller (and already cut
    to what the acting user may see).
    """

    department_ids: frozenset[int]
    start: datetime.date
    end: datetime.date
    program_ids: frozenset[int] = field(default_factory=frozenset)


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
