"""What every importer shares: the counts of a run and how progress is reported."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from coresponse.imports.convert import Problem

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
