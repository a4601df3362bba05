"""The encounter import: each row becomes an encounter through the same validation rules as
the field form (`encounters.rules.encounter_errors`) and the same person handling.

Imported encounters are historical: they arrive locked (reviewed in the old system), with
`source = import`, their run and a row key unique within the program, so that importing the
same spreadsheet again updates rather than duplicates. A changed row becomes an amendment
with the previous version kept, as for any locked encounter.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.encounters.inputs import (
    DEMOGRAPHIC_FIELDS,
    MULTI_FIELDS,
    SCALAR_FIELDS,
    EncounterInput,
    ScreeningInput,
)
from coresponse.encounters.models import ClinicalNote, Encounter, EncounterRevision
from coresponse.encounters.rules import encounter_errors

# The encounter app's own write steps, so imported rows are saved exactly like form entries.
from coresponse.encounters.services import _apply, _save_related, encounter_snapshot
from coresponse.imports.common import Counts, DateGuard, Progress, check_events
from coresponse.imports.convert import CodeBook, FormulaCell, Problem, RowConverter
from coresponse.imports.dates import local_text_to_utc
from coresponse.imports.encounters.people import (
    Ambiguous,
    Identity,
    add_records_number,
    find_person,
    same_person,
)
from coresponse.imports.issues import IssueSink
from coresponse.imports.models import ImportChange, ImportRun
from coresponse.imports.reader import RowSource
from coresponse.imports.spec import MappingSpec
from coresponse.people.models import Person
from coresponse.people.services import PersonInput, person_create
from coresponse.programs.models import Department, Program
from coresponse.reporting import rollups

KEY_NAMESPACE = uuid.UUID("6f1c5a4e-2b7d-4c1e-9a55-0c0e5e1d2f30")
EVENT_ORDER = ["occurred_at", "clinician_arrived_at", "clinician_cleared_at"]
DATETIME_FIELDS = {"occurred_at", "reported_at", "clinician_arrived_at", "clinician_cleared_at"}
PERSON_FIELDS = {"first_name", "last_name", "birth_date", "external_id"}
NULLABLE_FIELDS = {"is_cit_officer_present", "officer_minutes"}
# Where a rule's complaint about a field points when the field itself has no column.
RULE_COLUMN_FALLBACK = {
    "person": ["first_name", "last_name", "external_id"],
    "birth_year": ["birth_date"],
    "birth_month": ["birth_date"],
    "birth_day": ["birth_date"],
}
PROGRESS_EVERY = 200


class RowRejected(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(problems[0].message if problems else "rejected")


def input_from_encounter(encounter: Encounter) -> EncounterInput:
    """The current content of an encounter as an input, so a re-import changes only the
    fields its mapping fills."""
    note = ClinicalNote.objects.filter(encounter=encounter).first()
    data = EncounterInput(
        program=encounter.program,
        department=encounter.department,
        occurred_at=encounter.occurred_at,
        person=encounter.person,
        clinical_note=note.text if note else "",
        has_part2_information=note.has_part2_information if note else False,
        screenings=[
            ScreeningInput(
                instrument=screening.instrument, score=screening.score, result=screening.result
            )
            for screening in encounter.screenings.select_related("instrument")
        ],
    )
    for name in [*SCALAR_FIELDS, *DEMOGRAPHIC_FIELDS]:
        setattr(data, name, getattr(encounter, name))
    for name in MULTI_FIELDS:
        setattr(data, name, list(getattr(encounter, name).all()))
    return data


class EncounterImport:
    """Imports the rows of one program spreadsheet; see the module docstring."""

    def __init__(
        self,
        *,
        run: ImportRun,
        spec: MappingSpec,
        source: RowSource,
        reopen: Callable[[], RowSource],
        program: Program,
        actor: User,
        default_department: Department | None,
        sink: IssueSink,
        progress: Progress,
    ) -> None:
        self.run = run
        self.spec = spec
        self.source = source
        self.reopen = reopen
        self.program = program
        self.actor = actor
        self.default_department = default_department
        self.sink = sink
        self.progress = progress
        self.departments = list(program.departments.all())
        self.converter = RowConverter(spec, source.header, CodeBook.load(self.departments))
        self.columns = {name: " + ".join(columns) for name, columns in spec.columns.items()}
        self.mapped = set(spec.columns) | set(spec.defaults)
        self.to_utc = local_text_to_utc(spec.zone)
        self.counts = Counts()
        self.rows_of: dict[str, list[int]] = {}
        self.touched: set[int] = set()
        self.people_without_birth: dict[tuple[str, str], Person] = {}
        self.now = timezone.now()
        self.date_guard = DateGuard(
            "occurred_at", self.columns.get("occurred_at", ""), spec.date_formats
        )

    def _last_rows(self) -> dict[str, list[int]]:
        """Every row key and the readable rows carrying it, found in a first pass, so that
        when a key repeats only its last row is applied ("the later row wins")."""
        rows_of: dict[str, list[int]] = {}
        with self.reopen() as source:
            for number, cells in source.rows():
                if not "".join(cells).strip():
                    continue
                try:
                    values, problems = self.converter.convert(cells)
                except FormulaCell:
                    continue
                if any(problem.is_error for problem in problems):
                    continue
                key = self._key_of(values)
                if key:
                    rows_of.setdefault(key, []).append(number)
        return rows_of

    def process(self) -> Counts:
        counts = self.counts
        self.rows_of = self._last_rows()
        for number, cells in self.source.rows():
            if not "".join(cells).strip():
                counts.rows_blank += 1
                continue
            counts.rows_in += 1
            try:
                values, problems = self.converter.convert(cells)
            except FormulaCell as formula:
                raise formula.refusal(number) from None
            problems.extend(check_events(values, EVENT_ORDER, self.columns))
            self.date_guard.check(values, problems)
            key = self._key_of(values)
            later = self.rows_of.get(key, [number])[-1]
            if later != number and not any(problem.is_error for problem in problems):
                # Superseded by a later row with the same key: that row is the one applied.
                counts.rows_imported += 1
                continue
            try:
                if any(problem.is_error for problem in problems):
                    raise RowRejected(problems)
                with transaction.atomic():
                    self._import_row(number, values, problems)
            except RowRejected as rejected:
                self._report(number, rejected.problems)
                counts.rows_rejected += 1
            else:
                self._report(number, problems)
                counts.rows_imported += 1
            if counts.rows_in % PROGRESS_EVERY == 0:
                self.progress(self.source.done(), self.source.total, counts.rows_in)
        self.date_guard.finish()
        # Imported encounters count in every measure like any other: bring the precomputed
        # figures up to date for all of them at once.
        rollups.encounters_changed(self.touched)
        self.progress(self.source.done(), self.source.total, counts.rows_in)
        return counts

    def _report(self, number: int, problems: list[Problem]) -> None:
        for problem in problems:
            self.sink.add(
                row=number,
                column=problem.column,
                field=problem.field,
                code=problem.code,
                message=problem.message,
                value=problem.value,
                is_error=problem.is_error,
            )

    def _column(self, name: str) -> str:
        if name in self.columns:
            return self.columns[name]
        for fallback in RULE_COLUMN_FALLBACK.get(name, []):
            if fallback in self.columns:
                return self.columns[fallback]
        return ""

    def _reject(self, problems: list[Problem], field: str, code: str, message: str) -> RowRejected:
        return RowRejected([*problems, Problem(field, self._column(field), code, message)])

    # One row ------------------------------------------------------------------------------

    def _import_row(self, number: int, values: dict[str, Any], problems: list[Problem]) -> None:
        department = values.get("department") or self.default_department
        if department is None:
            raise self._reject(problems, "department", "missing", "Department is empty.")
        if department.pk not in {served.pk for served in self.departments}:
            raise self._reject(
                problems,
                "department",
                "not_served",
                f"{department} is not served by {self.program}.",
            )
        source_ref = self._key_of(values)
        if not source_ref:
            raise self._reject(problems, "source_ref", "missing", "The row key is empty.")
        earlier_rows = [row for row in self.rows_of.get(source_ref, []) if row != number]
        if earlier_rows:
            shown = ", ".join(str(row) for row in earlier_rows[:10])
            problems.append(
                Problem(
                    "source_ref",
                    self._column("source_ref"),
                    "duplicate_id",
                    f"Row key {source_ref.removeprefix('key:')} is also on row(s) {shown} of "
                    "this file: the later row's values were kept.",
                    source_ref.removeprefix("key:")[:200],
                    is_error=False,
                )
            )
        existing = (
            Encounter.objects.select_related("person", "program", "department")
            .filter(program=self.program, source_ref=source_ref)
            .first()
        )
        identity = self._identity(values)
        person, new_person = self._person(existing, identity, values, problems)
        data = input_from_encounter(existing) if existing else self._blank_input(department, values)
        self._fill(data, values, department)
        data.person, data.new_person = person, new_person
        errors = encounter_errors(data, is_submitting=True, now=self.now)
        if errors:
            raise RowRejected(
                [
                    *problems,
                    *(
                        Problem(field, self._column(field), "rule", message)
                        for field, messages in errors.items()
                        for message in messages
                    ),
                ]
            )
        if new_person is not None:
            person = self._create_person(department, new_person, identity, problems)
            data.person, data.new_person = person, None
        if existing is None:
            self._create(number, source_ref, data, person)
        else:
            self._update(number, existing, data, person)

    def _key_of(self, values: dict[str, Any]) -> str:
        """The row's natural key: its key column, or a digest of what it describes."""
        if "source_ref" in self.spec.columns:
            key = values.get("source_ref")
            return f"key:{key}" if key else ""
        department = values.get("department") or self.default_department
        if department is None:
            return ""
        # Without a key column the row is known by what it describes; editing one of these
        # cells in the spreadsheet makes it a new row on the next import.
        parts = [
            department.slug,
            values.get("occurred_at") or "",
            (values.get("first_name") or "").casefold(),
            (values.get("last_name") or "").casefold(),
            repr(values.get("birth_date")),
            values.get("external_id") or "",
            values.get("cad_incident_number") or "",
        ]
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
        return f"row:{digest}"

    def _identity(self, values: dict[str, Any]) -> Identity:
        return Identity(
            first_name=values.get("first_name") or "",
            last_name=values.get("last_name") or "",
            birth=values.get("birth_date"),
            external_id=values.get("external_id") or "",
        )

    def _person(
        self,
        existing: Encounter | None,
        identity: Identity,
        values: dict[str, Any],
        problems: list[Problem],
    ) -> tuple[Person | None, PersonInput | None]:
        if not (PERSON_FIELDS & self.mapped):
            return (existing.person if existing else None), None
        if identity.is_empty:
            return None, None
        if (
            existing is not None
            and existing.person is not None
            and same_person(existing.person, identity)
        ):
            return existing.person, None
        try:
            person = find_person(self.actor, identity)
        except Ambiguous as ambiguous:
            raise self._reject(
                problems,
                "person",
                "ambiguous_person",
                f"{ambiguous.count} people match {identity.first_name} {identity.last_name} "
                "exactly: merge the duplicates (or add the records number column) and import "
                "again.",
            ) from None
        if person is not None:
            return person, None
        if identity.birth is None and not identity.external_id:
            known = self.people_without_birth.get(identity.name_key)
            if known is not None:
                return known, None
        if not (identity.first_name or identity.last_name):
            return None, None
        birth = identity.birth or (None, None, None)
        return None, PersonInput(
            first_name=identity.first_name,
            last_name=identity.last_name,
            birth_year=birth[0],
            birth_month=birth[1],
            birth_day=birth[2],
            sex=values.get("sex") or "unknown",
            race=values.get("race") or "unknown",
            ethnicity=values.get("ethnicity") or "unknown",
            veteran_status=values.get("veteran_status") or "unknown",
        )

    def _create_person(
        self,
        department: Department,
        new_person: PersonInput,
        identity: Identity,
        problems: list[Problem],
    ) -> Person:
        try:
            person = person_create(actor=self.actor, department=department, data=new_person)
        except ValidationError as error:
            messages = [message for items in error.message_dict.values() for message in items]
            raise self._reject(problems, "birth_year", "rule", " ".join(messages)) from None
        if identity.external_id:
            add_records_number(actor=self.actor, person=person, value=identity.external_id)
        ImportChange.objects.create(
            run=self.run,
            object_type="person",
            object_id=person.pk,
            action=ImportChange.Action.CREATED,
        )
        if identity.birth is None and not identity.external_id:
            self.people_without_birth[identity.name_key] = person
            problems.append(
                Problem(
                    "birth_date",
                    self._column("birth_date"),
                    "no_birth_date",
                    f"No date of birth for {identity.first_name} {identity.last_name}: a new "
                    "person was created; check the people list for duplicates.",
                    is_error=False,
                )
            )
        return person

    def _blank_input(self, department: Department, values: dict[str, Any]) -> EncounterInput:
        occurred = values.get("occurred_at")
        return EncounterInput(
            program=self.program,
            department=department,
            occurred_at=self.to_utc(occurred) if isinstance(occurred, str) else self.now,
        )

    def _fill(self, data: EncounterInput, values: dict[str, Any], department: Department) -> None:
        data.department = department
        for name in self.mapped:
            if name in PERSON_FIELDS or name in ("source_ref", "department"):
                continue
            value = values.get(name)
            if name in DATETIME_FIELDS:
                value = self.to_utc(value) if isinstance(value, str) else None
                if name == "occurred_at" and value is None:
                    continue
            elif name in MULTI_FIELDS:
                value = list(value or [])
            elif name in NULLABLE_FIELDS:
                pass
            elif isinstance(getattr(data, name), bool) and value is None:
                value = False
            elif value is None:
                value = _empty_value(name)
            setattr(data, name, value)

    # Writing --------------------------------------------------------------------------------

    def _create(
        self, number: int, source_ref: str, data: EncounterInput, person: Person | None
    ) -> None:
        encounter = Encounter(
            client_key=uuid.uuid5(KEY_NAMESPACE, f"{self.program.pk}:{source_ref}"),
            clinician=None,
            created_by=self.actor,
            status=Encounter.Status.LOCKED,
            source=Encounter.Source.IMPORT,
            submitted_at=self.now,
            locked_at=self.now,
            locked_by=self.actor,
            import_run=self.run,
            source_ref=source_ref,
        )
        _apply(encounter, data, person)
        encounter.save()
        _save_related(encounter, data)
        self.touched.add(encounter.pk)
        self.counts.created += 1
        audit_record(
            actor=self.actor,
            action=AuditEvent.Action.CREATE,
            object_type="encounter",
            object_id=encounter.pk,
            organization_id=encounter.organization_id,
            detail={"import_run": self.run.pk, "row": number},
        )

    def _update(
        self, number: int, existing: Encounter, data: EncounterInput, person: Person | None
    ) -> None:
        created_here = existing.import_run_id == self.run.pk
        changed = _differences(existing, data, person)
        if not changed:
            if not created_here:
                self.counts.unchanged += 1
            return
        already_changed = ImportChange.objects.filter(
            run=self.run, object_type="encounter", object_id=existing.pk
        ).exists()
        if not created_here and not already_changed:
            snapshot = encounter_snapshot(existing)
            EncounterRevision.objects.create(
                encounter=existing,
                version=existing.version,
                snapshot=snapshot,
                reason=f"Re-imported by import run {self.run.pk} (row {number}).",
                changed_by=self.actor,
                changed_at=timezone.now(),
            )
            ImportChange.objects.create(
                run=self.run,
                object_type="encounter",
                object_id=existing.pk,
                action=ImportChange.Action.UPDATED,
                previous={"version": existing.version, "snapshot": snapshot},
            )
            self.counts.updated += 1
        _apply(existing, data, person)
        existing.version += 1
        existing.save()
        _save_related(existing, data)
        self.touched.add(existing.pk)
        audit_record(
            actor=self.actor,
            action=AuditEvent.Action.AMEND,
            object_type="encounter",
            object_id=existing.pk,
            organization_id=existing.organization_id,
            detail={"import_run": self.run.pk, "row": number, "fields": changed},
        )


def _empty_value(name: str) -> Any:
    """The value a blank cell gives a field: the field's default on a new encounter."""
    field = EncounterInput.__dataclass_fields__.get(name)
    if field is None or field.default is dataclasses.MISSING:
        return None
    return field.default


def _comparable(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC)
    if hasattr(value, "pk"):
        return value.pk
    return value


def _differences(existing: Encounter, data: EncounterInput, person: Person | None) -> list[str]:
    """The fields a re-imported row would change on an existing encounter."""
    probe = Encounter()
    _apply(probe, data, person)
    changed = []
    for name in [*SCALAR_FIELDS, *DEMOGRAPHIC_FIELDS, "person"]:
        attribute = Encounter._meta.get_field(name).attname  # type: ignore[union-attr]
        if _comparable(getattr(probe, attribute)) != _comparable(getattr(existing, attribute)):
            changed.append(name)
    for name in MULTI_FIELDS:
        current = set(getattr(existing, name).values_list("pk", flat=True))
        if current != {code.pk for code in getattr(data, name)}:
            changed.append(name)
    note = ClinicalNote.objects.filter(encounter=existing).first()
    if (note.text if note else "") != data.clinical_note:
        changed.append("clinical_note")
    if (note.has_part2_information if note else False) != data.has_part2_information:
        changed.append("has_part2_information")
    return changed
