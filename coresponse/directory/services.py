"""Writes of the service directory: HSDS import (all or nothing) and export."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from coresponse.accounts.access import Actor, access_for
from coresponse.accounts.models import User
from coresponse.audit.models import AuditEvent
from coresponse.audit.services import audit_record
from coresponse.directory.hsds.dump import dump_records, to_csv_files, to_json, to_zip
from coresponse.directory.hsds.load import LoadCounts, existing_ids, load_records
from coresponse.directory.hsds.parse import HsdsFileError, parse_upload
from coresponse.directory.hsds.validate import Problem, validate
from coresponse.directory.models import DirectoryImport
from coresponse.programs.models import Organization

KEPT_PROBLEMS = 500


@dataclass
class ImportResult:
    """What an import did: the counts when it was imported, every problem when refused."""

    run: DirectoryImport
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: LoadCounts | None = None

    @property
    def is_imported(self) -> bool:
        return self.run.outcome == DirectoryImport.Outcome.IMPORTED


def _check_may_manage(actor: Actor | None, tenant: Organization) -> None:
    # The command line acts without a user (actor None): whoever runs it owns the server.
    if actor is None:
        return
    if tenant.pk not in access_for(actor).admin_organization_ids:
        raise PermissionDenied("Only administrators manage the service directory.")


def directory_import(
    *, actor: Actor | None, tenant: Organization, file_name: str, content: bytes
) -> ImportResult:
    """Import an HSDS file into the tenant's directory, entirely or not at all."""
    _check_may_manage(actor, tenant)
    now = timezone.now()
    run = DirectoryImport(
        tenant=tenant,
        file_name=file_name[:200],
        imported_at=now,
        imported_by=actor if isinstance(actor, User) else None,
    )
    try:
        raw = parse_upload(file_name, content)
        records, problems = validate(raw, existing_ids=existing_ids(tenant))
        warnings = raw.warnings
        run.rows_in = sum(len(rows) for rows in raw.rows.values())
    except HsdsFileError as error:
        problems, warnings, records = [Problem(file_name, "", str(error))], [], {}
    result = ImportResult(run=run, problems=problems, warnings=warnings)
    run.warnings = warnings
    with transaction.atomic():
        if problems:
            run.outcome = DirectoryImport.Outcome.REFUSED
            run.problem_count = len(problems)
            run.problems = [str(problem) for problem in problems[:KEPT_PROBLEMS]]
        else:
            result.counts = load_records(tenant, records)
            run.outcome = DirectoryImport.Outcome.IMPORTED
            run.counts = result.counts.as_dict()
        run.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.IMPORT,
            object_type="directory",
            object_id=run.pk,
            organization_id=tenant.pk,
            outcome=AuditEvent.Outcome.SUCCESS if not problems else AuditEvent.Outcome.FAILED,
            detail={"file": run.file_name, "rows": run.rows_in, "problems": len(problems)},
        )
    return result


def directory_export(*, actor: Actor | None, tenant: Organization, form: str) -> tuple[str, bytes]:
    """The tenant's directory as an HSDS file: ("…json", JSON) or ("…zip", CSV files)."""
    _check_may_manage(actor, tenant)
    tables = dump_records(tenant)
    stamp = timezone.localdate().isoformat()
    if form == "json":
        name, content = f"directory-{stamp}.json", to_json(tables).encode("utf-8")
    elif form == "csv":
        name, content = f"directory-{stamp}.zip", to_zip(to_csv_files(tables))
    else:
        raise ValueError(f"Unknown HSDS form {form!r}; use json or csv.")
    audit_record(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="directory",
        organization_id=tenant.pk,
        detail={"form": form, "services": len(tables["services"])},
    )
    return name, content
