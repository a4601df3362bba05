"""The call import: read → check each row → write, keyed on the incident number.

Each row is validated in Python (the same rules whatever the database). A Bloom filter says
whether the row's incident number may already exist (stored before, or earlier in the file):
rows that are certainly new stream straight into the bulk insert; the others wait in a
small batch that is checked exactly against the database, where changed calls are updated
with their previous values kept for roll-back and identical calls are left alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from coresponse.dispatch.models import DispatchCall
from coresponse.dispatch.rules import RuleSet
from coresponse.imports.bloom import BloomFilter
from coresponse.imports.calls.fast import FastCallRows
from coresponse.imports.calls.writers import (
    DATETIME_FIELDS,
    DERIVED_FIELDS,
    SOURCE_FIELDS,
    CallWriter,
    Existing,
    writer_for,
)
from coresponse.imports.common import Counts, DateGuard, Progress, check_events
from coresponse.imports.convert import (
    LAYOUT_LINE,
    NO_PROBLEMS,
    REPEATED_HEADER,
    CodeBook,
    FormulaCell,
    Problem,
    RowConverter,
)
from coresponse.imports.dates import local_text_to_utc
from coresponse.imports.issues import IssueSink
from coresponse.imports.models import ImportChange, ImportRun
from coresponse.imports.reader import RowSource
from coresponse.imports.spec import MappingSpec
from coresponse.programs.models import Department

PENDING_ROWS = 5_000
LAYOUT_CODES = (LAYOUT_LINE, REPEATED_HEADER)
PROGRESS_EVERY = 5_000
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)
# Rows per key the Bloom filter is sized for, from the file's bytes (a CAD row is rarely
# shorter than this): over-estimating only costs memory, a few bytes per row.
MIN_ROW_BYTES = 40


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
        self.fast = FastCallRows.build(spec, source.header, self.converter)
        self.columns = {name: " + ".join(columns) for name, columns in spec.columns.items()}
        self.mapped = [
            name for name in SOURCE_FIELDS if name in spec.columns or name in spec.defaults
        ]
        self.rules: dict[int, RuleSet] = {}
        self.derived_cache: dict[tuple[int, str, str, str, bool], tuple[bool, str]] = {}
        self.organization_of = {
            department.pk: department.organization_id for department in departments
        }
        self.department_ids = (
            [default_department.pk]
            if default_department is not None and "department" not in spec.columns
            else list(self.organization_of)
        )
        self.to_utc = local_text_to_utc(spec.zone)
        self.writer: CallWriter = writer_for(
            run_id=run.pk, to_utc=self.to_utc, time_zone=spec.time_zone
        )
        self.counts = Counts()
        self.pending: list[tuple[int, int, dict[str, Any]]] = []
        self.changes: list[ImportChange] = []
        self.date_guard = DateGuard(
            "received_at", self.columns.get("received_at", ""), spec.date_formats
        )
        now = timezone.now() + FUTURE_TOLERANCE
        self.latest_allowed = now.astimezone(spec.zone).strftime("%Y-%m-%d %H:%M:%S")

    def _rules(self, department_id: int) -> RuleSet:
        rules = self.rules.get(department_id)
        if rules is None:
            rules = self.rules[department_id] = RuleSet.for_department(department_id)
        return rules

    def _bloom(self) -> BloomFilter:
        total = self.source.total
        expected = total // MIN_ROW_BYTES if self.source.kind == "csv" else total
        stored = DispatchCall.objects.filter(department_id__in=self.department_ids)
        has_calls = stored.exists()
        bloom = BloomFilter(expected + (stored.count() if has_calls else 0))
        if has_calls:
            for key in self.writer.existing_keys(self.department_ids):
                bloom.add_if_absent(key)
        return bloom

    def process(self) -> Counts:
        """Import every row; raise `FileRefused` (nothing kept) for a malformed file."""
        try:
            return self._process()
        except BaseException as error:
            self.writer.abort(error)
            raise

    def _process(self) -> Counts:
        counts = self.counts
        convert = self.fast.convert if self.fast is not None else self.converter.convert
        row_checks = self._row_checks
        new_row = self.writer.new_row
        bloom = self._bloom()
        maybe_seen = bloom.add_if_absent
        progress_at = PROGRESS_EVERY
        for number, cells in self.source.rows():
            if not any(cells) or not "".join(cells).strip():
                counts.rows_blank += 1
                continue
            counts.rows_in += 1
            try:
                values, problems = convert(cells)
            except FormulaCell as formula:
                raise formula.refusal(number) from None
            found = row_checks(values)
            if found:
                problems.extend(found)
            if problems:
                self.date_guard.check(values, problems)
            department_id = self._department_of(values, problems)
            if problems and self._report(number, problems):
                counts.rows_rejected += 1
                continue
            if not self.date_guard.read:
                self.date_guard.check(values, problems)
            counts.rows_imported += 1
            if maybe_seen((department_id, values["incident_number"])):
                self.pending.append((number, department_id, values))
                if len(self.pending) >= PENDING_ROWS:
                    self._resolve_pending()
            else:
                is_mental_health, reason = self._derived(department_id, values)
                new_row(
                    self.organization_of[department_id],
                    department_id,
                    number,
                    values,
                    is_mental_health,
                    reason,
                )
                counts.created += 1
            if counts.rows_in >= progress_at:
                progress_at += PROGRESS_EVERY
                self.progress(self.source.done(), self.source.total, counts.rows_in)
        self.date_guard.finish()
        self._resolve_pending()
        self.writer.close()
        self.progress(self.source.done(), self.source.total, counts.rows_in)
        return counts

    def _row_checks(self, values: dict[str, Any]) -> list[Problem]:
        # Most rows have their events in order and in the past: say so quickly.
        previous = ""
        for name in DATETIME_FIELDS:
            moment = values.get(name)
            if moment:
                if moment < previous:
                    break
                previous = moment
        else:
            received = values.get("received_at")
            if not received or received <= self.latest_allowed:
                return NO_PROBLEMS
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
            if not any(
                problem.field == "department" or problem.code in LAYOUT_CODES
                for problem in problems
            ):
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

    # Rows whose incident number may already exist ---------------------------------------

    def _resolve_pending(self) -> None:
        """Check the waiting rows exactly: insert the new, update the changed, skip the same."""
        if not self.pending:
            return
        self.writer.pause()
        by_department: dict[int, dict[str, tuple[int, dict[str, Any]]]] = {}
        for number, department_id, values in self.pending:
            waiting = by_department.setdefault(department_id, {})
            incident = values["incident_number"]
            earlier = waiting.get(incident)
            if earlier is not None:
                self._duplicate(number, incident, earlier[0])
            waiting[incident] = (number, values)
        self.pending = []
        for department_id, rows in by_department.items():
            existing = self.writer.existing(department_id, list(rows))
            updates: list[tuple[int, dict[str, Any]]] = []
            for incident, (number, values) in rows.items():
                found = existing.get(incident)
                if found is None:
                    is_mental_health, reason = self._derived(department_id, values)
                    self.writer.new_row(
                        self.organization_of[department_id],
                        department_id,
                        number,
                        values,
                        is_mental_health,
                        reason,
                    )
                    self.counts.created += 1
                    continue
                change = self._change(number, incident, found, department_id, values)
                if change is not None:
                    updates.append((found.pk, change))
            self.writer.pause()
            self.writer.update(updates)
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
        key = (
            department_id,
            values.get("initial_call_type") or "",
            values.get("final_call_type") or "",
            values.get("disposition") or "",
            bool(values.get("is_flagged_mental_health")),
        )
        # Call types and dispositions come from short lists: most answers are known already.
        known = self.derived_cache.get(key)
        if known is None:
            known = self._rules(department_id).evaluate(*key[1:])
            if len(self.derived_cache) < 100_000:
                self.derived_cache[key] = known
        return known

    def _comparable(self, name: str, value: Any) -> Any:
        if name in DATETIME_FIELDS:
            return self.to_utc(value) if isinstance(value, str) else None
        if name == "is_flagged_mental_health":
            return bool(value)
        return value or ""

    def _change(
        self,
        number: int,
        incident: str,
        found: Existing,
        department_id: int,
        values: dict[str, Any],
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
        derived = dict(zip(DERIVED_FIELDS, self._derived(department_id, merged), strict=True))
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


def _json(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value
