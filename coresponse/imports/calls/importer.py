"""The call import: read → check each row → write in batches, keyed on the incident number.

Each row is validated in Python (same rules whatever the database); batches of valid rows are
matched against the calls already stored, new calls are inserted in bulk, changed calls are
updated with their previous values kept for roll-back, identical calls are left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from coresponse.dispatch.rules import RuleSet
from coresponse.imports.calls.writers import (
    DATETIME_FIELDS,
    DERIVED_FIELDS,
    SOURCE_FIELDS,
    CallWriter,
    Existing,
    writer_for,
)
from coresponse.imports.common import Counts, DateGuard, Progress, check_events
from coresponse.imports.convert import CodeBook, Problem, RowConverter
from coresponse.imports.dates import local_text_to_utc
from coresponse.imports.issues import IssueSink
from coresponse.imports.models import ImportChange, ImportRun
from coresponse.imports.reader import RowSource
from coresponse.imports.spec import MappingSpec
from coresponse.programs.models import Department

BATCH_ROWS = 5_000
PROGRESS_EVERY = 5_000
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


class CallImport:
    """Imports the rows of one CAD export into dispatch calls; see the module docstring."""

    def __init__(
        self,
        *,
        run: ImportRun,
        spec: MappingSpec,
        source: RowSource,
        departments: list[Department],
        default_department: Department | None,
        sink: IssueSink,
        progress: Progress,
    ) -> None:
        self.run = run
        self.spec = spec
        self.source = source
        self.sink = sink
        self.progress = progress
        self.default_department = default_department
        self.converter = RowConverter(spec, source.header, CodeBook.load(departments))
        self.columns = {name: " + ".join(columns) for name, columns in spec.columns.items()}
        self.mapped = [
            name for name in SOURCE_FIELDS if name in spec.columns or name in spec.defaults
        ]
        self.rules: dict[int, RuleSet] = {}
        self.organization_of = {
            department.pk: department.organization_id for department in departments
        }
        self.to_utc = local_text_to_utc(spec.zone)
        self.writer: CallWriter = writer_for(self.to_utc, spec.time_zone)
        self.counts = Counts()
        self.date_guard = DateGuard(
            "received_at", self.columns.get("received_at", ""), spec.date_formats
        )
        self.batch: list[tuple[int, int, dict[str, Any]]] = []
        self.changes: list[ImportChange] = []
        now = timezone.now() + FUTURE_TOLERANCE
        self.latest_allowed = now.astimezone(spec.zone).strftime("%Y-%m-%d %H:%M:%S")

    def _rules(self, department_id: int) -> RuleSet:
        rules = self.rules.get(department_id)
        if rules is None:
            rules = self.rules[department_id] = RuleSet.for_department(department_id)
        return rules

    def process(self) -> Counts:
        """Import every row; raise `FileRefused` (nothing kept) for a malformed file."""
        counts = self.counts
        check_formulas = self.converter.check_formulas
        convert = self.converter.convert
        for number, cells in self.source.rows():
            if not any(cells) or not "".join(cells).strip():
                counts.rows_blank += 1
                continue
            counts.rows_in += 1
            check_formulas(number, cells)
            values, problems = convert(cells)
            if problems:
                problems.extend(self._row_checks(values))
            else:
                found = self._row_checks(values)
                if found:
                    problems = found
            self.date_guard.check(values, problems)
            department_id = self._department_of(values, problems)
            if problems and self._report(number, problems):
                counts.rows_rejected += 1
                continue
            counts.rows_imported += 1
            self.batch.append((number, department_id, values))
            if len(self.batch) >= BATCH_ROWS:
                self._flush()
                self.progress(self.source.done(), self.source.total, counts.rows_in)
        self.date_guard.finish()
        self._flush()
        self.progress(self.source.done(), self.source.total, counts.rows_in)
        return counts

    def _row_checks(self, values: dict[str, Any]) -> list[Problem]:
        problems = check_events(values, DATETIME_FIELDS, self.columns)
        received = values.get("received_at")
        if isinstance(received, str) and received > self.latest_allowed:
            problems.append(
                Problem(
                    "received_at",
                    self.columns.get("received_at", ""),
                    "future",
                    f"Call received {received[:16]} is in the future.",
                    received[:16],
                )
            )
        return problems

    def _department_of(self, values: dict[str, Any], problems: list[Problem]) -> int:
        department = values.get("department") or self.default_department
        if department is None:
            if not any(problem.field == "department" for problem in problems):
                problems.append(
                    Problem(
                        "department",
                        self.columns.get("department", ""),
                        "missing",
                        "Department is empty.",
                    )
                )
            return 0
        return int(department.pk)

    def _report(self, number: int, problems: list[Problem]) -> bool:
        """Record a row's problems; whether the row is rejected."""
        is_rejected = False
        for problem in problems:
            is_rejected = is_rejected or problem.is_error
            self.sink.add(
                row=number,
                column=problem.column,
                field=problem.field,
                code=problem.code,
                message=problem.message,
                value=problem.value,
                is_error=problem.is_error,
            )
        return is_rejected

    # Writing one batch ----------------------------------------------------------------------

    def _flush(self) -> None:
        if not self.batch:
            return
        by_department: dict[int, dict[str, tuple[int, dict[str, Any]]]] = {}
        for number, department_id, values in self.batch:
            pending = by_department.setdefault(department_id, {})
            incident = values["incident_number"]
            earlier = pending.get(incident)
            if earlier is not None:
                self._duplicate(number, incident, earlier[0])
            pending[incident] = (number, values)
        self.batch = []
        for department_id, rows in by_department.items():
            existing = self.writer.existing(department_id, list(rows))
            new_records: list[list[Any]] = []
            updates: list[tuple[int, dict[str, Any]]] = []
            for incident, (number, values) in rows.items():
                found = existing.get(incident)
                if found is None:
                    new_records.append(self._record(department_id, number, values))
                    continue
                change = self._change(number, incident, found, values)
                if change is not None:
                    updates.append((found.pk, change))
            self.writer.insert(new_records)
            self.writer.update(updates)
            self.counts.created += len(new_records)
        if self.changes:
            ImportChange.objects.bulk_create(self.changes)
            self.changes = []

    def _duplicate(self, number: int, incident: str, earlier_row: int | None) -> None:
        where = f"row {earlier_row}" if earlier_row else "an earlier row"
        self.sink.add(
            row=number,
            column=self.columns.get("incident_number", ""),
            field="incident_number",
            code="duplicate_id",
            message=f"Incident number {incident} is also on {where} of this file: the later "
            "row's values were kept.",
            value=incident,
            is_error=False,
        )

    def _derived(self, department_id: int, values: dict[str, Any]) -> tuple[bool, str]:
        return self._rules(department_id).evaluate(
            values.get("initial_call_type") or "",
            values.get("final_call_type") or "",
            values.get("disposition") or "",
            bool(values.get("is_flagged_mental_health")),
        )

    def _record(self, department_id: int, number: int, values: dict[str, Any]) -> list[Any]:
        get = values.get
        is_mental_health, reason = self._derived(department_id, values)
        return [
            self.organization_of[department_id],
            department_id,
            values["incident_number"],
            get("received_at"),
            get("dispatched_at"),
            get("arrived_at"),
            get("cleared_at"),
            get("initial_call_type") or "",
            get("final_call_type") or "",
            get("disposition") or "",
            get("priority") or "",
            get("address") or "",
            get("subject_ref") or "",
            bool(get("is_flagged_mental_health")),
            is_mental_health,
            reason,
            self.run.pk,
            self.run.pk,
            number,
        ]

    def _comparable(self, name: str, value: Any) -> Any:
        if name in DATETIME_FIELDS:
            return self.to_utc(value) if isinstance(value, str) else None
        if name == "is_flagged_mental_health":
            return bool(value)
        return value or ""

    def _change(
        self, number: int, incident: str, found: Existing, values: dict[str, Any]
    ) -> dict[str, Any] | None:
        """What to change on an existing call, or None when the row brings nothing new."""
        run_id = self.run.pk
        touched_by_this_run = run_id in (found.import_run_id, found.last_import_run_id)
        if touched_by_this_run:
            self._duplicate(number, incident, found.source_row)
        incoming = {name: self._comparable(name, values.get(name)) for name in self.mapped}
        differing = [name for name in self.mapped if incoming[name] != found.values[name]]
        if not differing:
            if not touched_by_this_run:
                self.counts.unchanged += 1
            return None
        merged = {**found.values, **incoming}
        derived = dict(
            zip(
                DERIVED_FIELDS,
                self._derived(self._department_id_of(found, values), merged),
                strict=True,
            )
        )
        change: dict[str, Any] = {name: incoming[name] for name in differing}
        change.update(
            {name: value for name, value in derived.items() if value != found.values[name]}
        )
        if not touched_by_this_run:
            self.counts.updated += 1
            previous = {name: _json(found.values[name]) for name in change}
            previous["last_import_run_id"] = found.last_import_run_id
            previous["source_row"] = found.source_row
            self.changes.append(
                ImportChange(
                    run_id=run_id,
                    object_type="call",
                    object_id=found.pk,
                    action=ImportChange.Action.UPDATED,
                    previous=previous,
                )
            )
        change["last_import_run_id"] = run_id
        change["source_row"] = number
        return change

    def _department_id_of(self, found: Existing, values: dict[str, Any]) -> int:
        department = values.get("department") or self.default_department
        return int(department.pk) if department is not None else 0


def _json(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value
