"""What every importer shares: the counts of a run and how progress is reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coresponse.imports.convert import Problem
from coresponse.imports.reader import FileRefused

# done, total (bytes for CSV, rows for XLSX), rows read so far
Progress = Callable[[int, int, int], None]


def no_progress(done: int, total: int, rows: int) -> None:
    """The progress callback of a caller that shows none."""


@dataclass
class Counts:
    """What became of the rows of one file. rows_in = rows_imported + rows_rejected."""

    rows_in: int = 0
    rows_imported: int = 0
    rows_rejected: int = 0
    rows_blank: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0


EVENT_LABELS = {
    "received_at": "Call received",
    "dispatched_at": "Dispatched",
    "arrived_at": "Arrived",
    "cleared_at": "Cleared",
    "occurred_at": "Occurred",
    "reported_at": "Reported",
    "clinician_arrived_at": "Clinician arrived",
    "clinician_cleared_at": "Clinician cleared",
}


def check_events(
    values: dict[str, object], names: list[str], columns: dict[str, str]
) -> list[Problem]:
    """Warnings for event times out of order; a 00:00 time earlier than the event before it is
    a placeholder the source system wrote for "unknown", so it is dropped (left empty)."""
    problems: list[Problem] = []
    previous_name = ""
    previous = ""
    for name in names:
        value = values.get(name)
        if not isinstance(value, str):
            continue
        if previous and value < previous:
            label, before = EVENT_LABELS[name], EVENT_LABELS[previous_name]
            if value.endswith(" 00:00:00"):
                values[name] = None
                problems.append(
                    Problem(
                        name,
                        columns.get(name, ""),
                        "placeholder_time",
                        f"{label} at 00:00 is earlier than {before} ({previous[:16]}): a "
                        "placeholder for an unknown time, left empty.",
                        value[:16],
                        is_error=False,
                    )
                )
                continue
            problems.append(
                Problem(
                    name,
                    columns.get(name, ""),
                    "out_of_order",
                    f"{label} ({value[:16]}) is earlier than {before} ({previous[:16]}): "
                    "kept as given.",
                    value[:16],
                    is_error=False,
                )
            )
        previous_name, previous = name, value
    return problems


class DateGuard:
    """Refuses the file when the mapping reads none of its first dates: a date format wrong
    for the whole file is a mapping error, not fifty bad rows."""

    LIMIT = 50

    def __init__(self, field: str, column: str, formats: list[str]) -> None:
        self.field = field
        self.column = column
        self.formats = formats
        self.read = 0
        self.failed = 0
        self.example = ""

    def check(self, values: dict[str, object], problems: list[Problem]) -> None:
        if self.read:
            return
        if values.get(self.field) is not None:
            self.read += 1
            return
        for problem in problems:
            if problem.field == self.field and problem.code == "bad_date":
                self.failed += 1
                self.example = self.example or problem.value
        if self.failed >= self.LIMIT:
            self.refuse()

    def finish(self) -> None:
        if not self.read and self.failed:
            self.refuse()

    def refuse(self) -> None:
        raise FileRefused(
            f"None of the first {self.failed} values of “{self.column}” is a date the mapping "
            f"can read (for example “{self.example[:40]}”; formats: {', '.join(self.formats)}). "
            "Add the file's date format to the mapping and import again."
        )
