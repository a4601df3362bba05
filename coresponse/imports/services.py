"""Writes of imports: mapping profiles, running an import, rolling a run back.

A run is one transaction: a file refused half-way (bad encoding on row 80,000, a formula
cell) leaves nothing behind but the run record and its message. Rows that fail validation
are rejected one by one while the good rows are imported, unless the run is strict; a dry
run does all the work, keeps its report, and undoes the data.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.common.statistics import refresh_statistics
from coresponse.dispatch.models import DispatchCall
from coresponse.dispatch.services import calls_link_encounters, calls_link_people
from coresponse.encounters.models import Encounter
from coresponse.imports.calls.importer import CallImport
from coresponse.imports.common import Counts, Progress, no_progress
from coresponse.imports.encounters.importer import EncounterImport
from coresponse.imports.issues import IssueSink
from coresponse.imports.models import ImportKind, ImportRun, MappingProfile
from coresponse.imports.reader import FileRefused, open_source
from coresponse.imports.rollback import RollbackRefused, roll_back
from coresponse.imports.selectors import (
    call_departments_for,
    encounter_programs_for,
    runs_visible_to,
)
from coresponse.imports.spec import MappingSpec, SpecError
from coresponse.people.models import Person, PersonDepartment
from coresponse.programs.models import Department, Program

logger = logging.getLogger(__name__)


# A run that wrote this many records refreshes the planner's statistics of the tables it
# wrote (a few hundred milliseconds at most), so the pages that read them are planned for
# what they now hold; smaller runs leave it to autovacuum.
ANALYZE_AFTER_RECORDS = 1_000


class _Undo(Exception):
    """Raised inside the data savepoint to undo the data and keep the report."""


# Mapping profiles ---------------------------------------------------------------------------


def _profile_scope(
    actor: User, kind: str, department: Department | None, program: Program | None
) -> int:
    """Check the actor may use this scope; return the profile's organization id."""
    if kind == ImportKind.CALLS:
        if program is not None:
            raise ValidationError({"program": ["A call mapping belongs to a department."]})
        departments = call_departments_for(actor)
        if department is not None:
            if not departments.filter(pk=department.pk).exists():
                raise PermissionDenied("You cannot import calls for this department.")
            return department.organization_id
        organization_ids = set(departments.values_list("organization_id", flat=True))
        if len(organization_ids) != 1:
            raise ValidationError({"department": ["Choose the department of these calls."]})
        return organization_ids.pop()
    if kind != ImportKind.ENCOUNTERS:
        raise ValidationError({"kind": ["Choose calls or encounters."]})
    if program is None:
        raise ValidationError({"program": ["Choose the program these encounters belong to."]})
    if not encounter_programs_for(actor).filter(pk=program.pk).exists():
        raise PermissionDenied("Only the program's supervisors import its encounters.")
    if department is not None and not program.departments.filter(pk=department.pk).exists():
        raise ValidationError({"department": [f"{department} is not served by {program}."]})
    return program.organization_id


def mapping_profile_save(
    *,
    actor: User,
    profile: MappingProfile | None,
    name: str,
    kind: str,
    department: Department | None,
    program: Program | None,
    spec: dict[str, Any],
) -> MappingProfile:
    """Create or change a named mapping after checking it completely."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["Give the mapping a name."]})
    organization_id = _profile_scope(actor, kind, department, program)
    try:
        parsed = MappingSpec.parse(kind, spec)
    except SpecError as error:
        raise ValidationError(error.errors) from None
    if kind == ImportKind.CALLS and department is None and "department" not in parsed.columns:
        raise ValidationError(
            {"department": ["Choose the department, or map a column that names it."]}
        )
    is_new = profile is None
    if profile is None:
        profile = MappingProfile(organization_id=organization_id, created_by=actor)
    elif profile.kind != kind:
        raise ValidationError({"kind": ["A mapping's kind cannot change; create a new one."]})
    profile.name = name
    profile.kind = kind
    profile.department = department
    profile.program = program
    profile.spec = parsed.to_json()
    profile.updated_by = actor
    if not is_new:
        profile.version += 1
    try:
        with transaction.atomic():
            profile.save()
    except IntegrityError:
        raise ValidationError({"name": [f"A mapping named “{name}” already exists."]}) from None
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
        object_type="mapping_profile",
        object_id=profile.pk,
        organization_id=profile.organization_id,
    )
    return profile


# Runs ---------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_run_create(
    *,
    actor: User,
    profile: MappingProfile,
    file_name: str,
    path: Path,
    is_dry_run: bool = False,
    is_strict: bool = False,
) -> ImportRun:
    """Record a run of `profile` on a file (not started yet)."""
    _profile_scope(actor, profile.kind, profile.department, profile.program)
    return ImportRun.objects.create(
        organization_id=profile.organization_id,
        kind=profile.kind,
        department=profile.department,
        program=profile.program,
        profile=profile,
        profile_name=profile.name,
        mapping=profile.spec,
        file_name=Path(file_name).name[:255],
        file_size=path.stat().st_size,
        file_sha256=file_sha256(path),
        is_dry_run=is_dry_run,
        is_strict=is_strict,
        created_by=actor,
    )


def _apply_counts(run: ImportRun, counts: Counts, sink: IssueSink) -> None:
    run.rows_in = counts.rows_in
    run.rows_imported = counts.rows_imported
    run.rows_rejected = counts.rows_rejected
    run.rows_blank = counts.rows_blank
    run.records_created = counts.created
    run.records_updated = counts.updated
    run.records_unchanged = counts.unchanged
    run.errors_count = sink.errors
    run.warnings_count = sink.warnings


def _process(run: ImportRun, path: Path, sink: IssueSink, progress: Progress) -> Counts:
    actor = run.created_by
    if actor is None:
        raise PermissionDenied("The run has no importing user.")
    spec = MappingSpec.parse(run.kind, run.mapping)
    with open_source(path, spec) as source:
        run.header_row = source.header.row_number
        if run.kind == ImportKind.CALLS:
            departments = list(call_departments_for(actor).select_related("organization"))
            if run.department_id and run.department_id not in {d.pk for d in departments}:
                raise PermissionDenied("You can no longer import calls for this department.")
            counts = CallImport(
                run=run,
                spec=spec,
                source=source,
                departments=departments,
                default_department=run.department,
                sink=sink,
                progress=progress,
            ).process()
        else:
            program = run.program
            if program is None or not encounter_programs_for(actor).filter(pk=program.pk):
                raise PermissionDenied("Only the program's supervisors import its encounters.")
            counts = EncounterImport(
                run=run,
                spec=spec,
                source=source,
                reopen=lambda: open_source(path, spec),
                program=program,
                actor=actor,
                default_department=run.department,
                sink=sink,
                progress=progress,
            ).process()
        if counts.rows_in == 0:
            raise FileRefused(
                f"The file has a header row (row {source.header.row_number}) but no data rows."
            )
    return counts


def _link(run: ImportRun) -> None:
    if run.kind == ImportKind.CALLS:
        department_ids = (
            [run.department_id]
            if run.department_id
            else list(call_departments_for(run.created_by).values_list("id", flat=True))
            if run.created_by is not None
            else []
        )
    elif run.program is not None:
        department_ids = list(run.program.departments.values_list("id", flat=True))
    else:
        department_ids = []
    calls_link_encounters(department_ids=department_ids)
    calls_link_people(department_ids=department_ids)


def import_run_execute(
    *, run: ImportRun, path: Path, progress: Progress = no_progress
) -> ImportRun:
    """Import the file of a queued run. The run ends completed, refused (the file as a whole
    was not importable: nothing kept) or failed (an unexpected error: nothing kept)."""
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    sink = IssueSink()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    counts = _process(run, path, sink, progress)
                    _link(run)
                    if run.is_dry_run or (run.is_strict and counts.rows_rejected):
                        raise _Undo
            except _Undo:
                pass
            _apply_counts(run, counts, sink)
            sink.save(run)
            if run.is_strict and counts.rows_rejected and not run.is_dry_run:
                run.status = ImportRun.Status.REFUSED
                run.message = (
                    f"{counts.rows_rejected} row(s) were rejected and this run is strict, so "
                    "nothing was imported. Correct the rows or the mapping and import again."
                )
            else:
                run.status = ImportRun.Status.COMPLETED
            run.finished_at = timezone.now()
            run.save()
            _audit_run(run)
    except (FileRefused, SpecError, PermissionDenied) as refusal:
        sink.close()
        message = refusal.message if isinstance(refusal, FileRefused) else str(refusal)
        _refuse(run, message)
    except Exception:
        sink.close()
        _refuse(run, "The import failed unexpectedly; nothing was imported.", failed=True)
        logger.exception("Import run %s failed", run.pk)
        raise
    if (
        run.status == ImportRun.Status.COMPLETED
        and not run.is_dry_run
        and run.records_created + run.records_updated >= ANALYZE_AFTER_RECORDS
    ):
        refresh_statistics(_written_models(run.kind))
    return run


def _written_models(kind: str) -> list[type[Model]]:
    """The tables an import of this kind writes (linking writes the calls either way)."""
    if kind == ImportKind.CALLS:
        return [DispatchCall]
    links: list[type[Model]] = [
        field.remote_field.through  # type: ignore[misc]
        for field in Encounter._meta.many_to_many
    ]
    return [Encounter, *links, Person, PersonDepartment, DispatchCall]


def _refuse(run: ImportRun, message: str, *, failed: bool = False) -> None:
    run.status = ImportRun.Status.FAILED if failed else ImportRun.Status.REFUSED
    run.message = message
    _apply_counts(run, Counts(), IssueSink())
    run.finished_at = timezone.now()
    run.save()
    _audit_run(run)


def _audit_run(run: ImportRun) -> None:
    audit_record(
        actor=run.created_by,
        action=AuditEvent.Action.IMPORT,
        object_type="import_run",
        object_id=run.pk,
        organization_id=run.organization_id,
        outcome=(
            AuditEvent.Outcome.SUCCESS
            if run.status == ImportRun.Status.COMPLETED
            else AuditEvent.Outcome.FAILED
        ),
        detail={
            "kind": run.kind,
            "file_sha256": run.file_sha256,
            "dry_run": run.is_dry_run,
            "status": run.status,
            "rows_in": run.rows_in,
            "imported": run.rows_imported,
            "rejected": run.rows_rejected,
            "created": run.records_created,
            "updated": run.records_updated,
        },
    )


def import_run_roll_back(*, actor: User, run: ImportRun) -> dict[str, int]:
    """Undo a completed run as a whole; raises `RollbackRefused` with the reason when it
    cannot be undone safely."""
    if not runs_visible_to(actor).filter(pk=run.pk).exists():
        raise PermissionDenied("You cannot roll back this run.")
    with transaction.atomic():
        current = ImportRun.objects.select_for_update().get(pk=run.pk)
        if current.is_dry_run:
            raise RollbackRefused("A dry run changed nothing: there is nothing to roll back.")
        if not current.can_roll_back:
            raise RollbackRefused(
                f"Only a completed import can be rolled back; this run is "
                f"{current.get_status_display().lower()}."
            )
        undone = roll_back(current, actor)
        current.status = ImportRun.Status.ROLLED_BACK
        current.rolled_back_at = timezone.now()
        current.rolled_back_by = actor
        current.save(update_fields=["status", "rolled_back_at", "rolled_back_by"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.DELETE,
            object_type="import_run",
            object_id=current.pk,
            organization_id=current.organization_id,
            detail={"rolled_back": True, **undone},
        )
    run.refresh_from_db()
    if run.records_created + run.records_updated >= ANALYZE_AFTER_RECORDS:
        refresh_statistics(_written_models(run.kind))
    return undone
