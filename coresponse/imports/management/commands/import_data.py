"""`coresponse import …`: import CAD calls or historical encounters with a saved mapping.

    coresponse import calls FILE --mapping NAME [--dry-run] [--strict] [--user USERNAME]
    coresponse import encounters FILE --mapping NAME [--dry-run] [--strict] [--user USERNAME]
    coresponse import rollback RUN_ID [--user USERNAME]
    coresponse import mappings [--user USERNAME]
    coresponse import save-mapping NAME --kind calls|encounters --spec FILE.json
                                   [--department SLUG] [--program SLUG] [--user USERNAME]

The acting user (an administrator or a supervisor) comes from --user or $CORESPONSE_USER;
what they may import is decided exactly as in the web pages.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from coresponse.accounts.models import User
from coresponse.imports.models import ImportKind, ImportRun
from coresponse.imports.rollback import RollbackRefused
from coresponse.imports.selectors import (
    call_departments_for,
    encounter_programs_for,
    profile_by_name,
    profiles_visible_to,
    run_issues,
    runs_visible_to,
)
from coresponse.imports.services import (
    import_run_create,
    import_run_execute,
    import_run_roll_back,
    mapping_profile_save,
)

SHOWN_ISSUES = 15


class Command(BaseCommand):
    help = "Import dispatch calls or historical encounters from CSV/XLSX with a saved mapping."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        for kind in ("calls", "encounters"):
            command = commands.add_parser(kind, help=f"Import {kind} from a CSV or XLSX file.")
            command.add_argument("file", type=Path)
            command.add_argument("--mapping", required=True, help="The saved mapping's name.")
            command.add_argument(
                "--dry-run", action="store_true", help="Check everything, change nothing."
            )
            command.add_argument(
                "--strict", action="store_true", help="Import nothing if any row is rejected."
            )
            command.add_argument("--no-progress", action="store_true")
        rollback = commands.add_parser("rollback", help="Undo a whole import run.")
        rollback.add_argument("run", type=int)
        commands.add_parser("mappings", help="List the mappings you may use.")
        save = commands.add_parser("save-mapping", help="Create or replace a mapping from JSON.")
        save.add_argument("name")
        save.add_argument("--kind", choices=[kind.value for kind in ImportKind], required=True)
        save.add_argument("--spec", type=Path, required=True, help="The mapping as JSON.")
        save.add_argument("--department", default="", help="Department slug.")
        save.add_argument("--program", default="", help="Program slug (encounters).")
        for command in (*commands.choices.values(),):
            command.add_argument(
                "--user", default=os.environ.get("CORESPONSE_USER", ""), help="Who is importing."
            )

    def _actor(self, username: str) -> User:
        if not username:
            raise CommandError(
                "Say who is importing: --user USERNAME (an administrator or a program "
                "supervisor), or set CORESPONSE_USER."
            )
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user “{username}”.")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["user"])
        action = options["action"]
        if action in ("calls", "encounters"):
            self._import(actor, action, options)
        elif action == "rollback":
            self._rollback(actor, options["run"])
        elif action == "mappings":
            for profile in profiles_visible_to(actor).order_by("kind", "name"):
                scope = profile.department or profile.program or "several departments"
                self.stdout.write(f"{profile.kind:<11} {profile.name}  ({scope})")
        else:
            self._save_mapping(actor, options)

    def _import(self, actor: User, kind: str, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        profile = profile_by_name(actor, options["mapping"])
        if profile is None or profile.kind != kind:
            names = ", ".join(
                profiles_visible_to(actor).filter(kind=kind).values_list("name", flat=True)
            )
            raise CommandError(
                f"No {kind} mapping named “{options['mapping']}” that you may use"
                + (f" (yours: {names})." if names else ".")
            )
        try:
            run = import_run_create(
                actor=actor,
                profile=profile,
                file_name=path.name,
                path=path,
                is_dry_run=options["dry_run"],
                is_strict=options["strict"],
            )
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(str(error)) from None
        is_bytes = path.suffix.lower() != ".xlsx"
        with tqdm(
            total=path.stat().st_size if is_bytes else None,
            unit="B" if is_bytes else " rows",
            unit_scale=is_bytes,
            desc=path.name[:30],
            disable=options["no_progress"],
            file=self.stderr._out,
        ) as bar:

            def progress(done: int, total: int, rows: int) -> None:
                if not is_bytes:
                    bar.total = total or None
                bar.update(max(0, done - bar.n))
                bar.set_postfix(rows=f"{rows:,}", refresh=False)

            import_run_execute(run=run, path=path, progress=progress)
        self._summary(run)
        if run.status != ImportRun.Status.COMPLETED:
            raise CommandError(run.message or f"The import ended {run.status}.")

    def _summary(self, run: ImportRun) -> None:
        write = self.stdout.write
        heading = "Dry run (nothing changed)" if run.is_dry_run else "Import"
        write(f"{heading} run {run.pk}: {run.get_status_display()}")
        if run.message:
            write(f"  {run.message}")
        if run.status == ImportRun.Status.FAILED or not run.rows_in:
            return
        write(
            f"  rows in {run.rows_in:,} = imported {run.rows_imported:,} + rejected "
            f"{run.rows_rejected:,}"
            + (f"   ({run.rows_blank:,} blank rows skipped)" if run.rows_blank else "")
        )
        write(
            f"  records: {run.records_created:,} created, {run.records_updated:,} updated, "
            f"{run.records_unchanged:,} unchanged;  warnings: {run.warnings_count:,}"
        )
        for severity, label in (("error", "Rejected"), ("warning", "Warnings")):
            issues = list(run_issues(run, severity=severity)[:SHOWN_ISSUES])
            if not issues:
                continue
            write(f"  {label} (first {len(issues)}):")
            for issue in issues:
                column = f", {issue.column}" if issue.column else ""
                write(f"    row {issue.row_number}{column}: {issue.message}")
        write(f"  Full report: /imports/runs/{run.pk}/")

    def _rollback(self, actor: User, run_id: int) -> None:
        run = runs_visible_to(actor).filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"There is no import run {run_id} that you may roll back.")
        try:
            undone = import_run_roll_back(actor=actor, run=run)
        except RollbackRefused as refusal:
            raise CommandError(refusal.message) from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        details = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in undone.items())
        self.stdout.write(f"Run {run.pk} rolled back: {details}.")

    def _save_mapping(self, actor: User, options: dict[str, Any]) -> None:
        try:
            spec = json.loads(Path(options["spec"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the mapping JSON: {error}") from None
        department = None
        if options["department"]:
            department = call_departments_for(actor).filter(slug=options["department"]).first()
            if department is None and options["program"]:
                program_ = encounter_programs_for(actor).filter(slug=options["program"]).first()
                department = (
                    program_.departments.filter(slug=options["department"]).first()
                    if program_
                    else None
                )
            if department is None:
                raise CommandError(f"No department “{options['department']}” you may import into.")
        program = None
        if options["program"]:
            program = encounter_programs_for(actor).filter(slug=options["program"]).first()
            if program is None:
                raise CommandError(f"No program “{options['program']}” you supervise.")
        profile = profile_by_name(actor, options["name"])
        try:
            saved = mapping_profile_save(
                actor=actor,
                profile=profile,
                name=options["name"],
                kind=options["kind"],
                department=department,
                program=program,
                spec=spec,
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
            raise CommandError(f"The mapping was not saved: {problems}") from None
        except PermissionDenied as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Mapping “{saved.name}” saved (version {saved.version}).")
