"""`coresponse directory import FILE` / `coresponse directory export --format json|csv OUT`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coresponse.directory.hsds.dump import dump_records, to_csv_files
from coresponse.directory.hsds.load import LoadCounts
from coresponse.directory.services import directory_export, directory_import
from coresponse.programs.models import Organization


class Command(BaseCommand):
    help = "Import or export the service directory in Open Referral HSDS 3.x (JSON or CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--organization", help="Slug of the agency whose directory this is (if several)."
        )
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="Import an HSDS .json, .zip or folder of CSVs.")
        load.add_argument("path")
        dump = actions.add_parser("export", help="Export the directory.")
        dump.add_argument("--format", choices=["json", "csv"], default="json")
        dump.add_argument("out", help="A .json file; for csv a .zip file or a folder.")

    def _tenant(self, slug: str | None) -> Organization:
        if slug:
            try:
                return Organization.objects.get(slug=slug)
            except Organization.DoesNotExist:
                raise CommandError(f"No organization with slug {slug!r}.") from None
        organizations = list(Organization.objects.order_by("pk")[:2])
        if len(organizations) != 1:
            raise CommandError("Name the organization with --organization SLUG.")
        return organizations[0]

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = self._tenant(options.get("organization"))
        if options["action"] == "import":
            self._import(tenant, Path(options["path"]))
        else:
            self._export(tenant, options["format"], Path(options["out"]))

    def _import(self, tenant: Organization, path: Path) -> None:
        if path.is_dir():
            import io
            import zipfile

            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w") as archive:
                for item in sorted(path.glob("*")):
                    if item.is_file():
                        archive.writestr(item.name, item.read_bytes())
            name, content = f"{path.name}.zip", buffer.getvalue()
        elif path.is_file():
            name, content = path.name, path.read_bytes()
        else:
            raise CommandError(f"{path} does not exist.")
        result = directory_import(actor=None, tenant=tenant, file_name=name, content=content)
        for warning in result.warnings:
            self.stdout.write(f"Not kept: {warning}")
        if not result.is_imported:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing imported: {len(result.problems)} problem(s) in {name}.")
        counts = result.counts or LoadCounts()
        summary = ", ".join(f"{count} {table}" for table, count in sorted(counts.created.items()))
        updated = sum(counts.updated.values())
        removed = sum(counts.removed.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {name}: created {summary or 'nothing'}; "
                f"{updated} updated, {removed} removed."
            )
        )

    def _export(self, tenant: Organization, form: str, out: Path) -> None:
        if form == "csv" and out.suffix.lower() != ".zip":
            out.mkdir(parents=True, exist_ok=True)
            for name, text in to_csv_files(dump_records(tenant)).items():
                (out / name).write_text(text, encoding="utf-8")
            directory_export(actor=None, tenant=tenant, form="csv")  # records the audit event
            self.stdout.write(self.style.SUCCESS(f"Wrote the HSDS CSV files to {out}/."))
            return
        _, content = directory_export(actor=None, tenant=tenant, form=form)
        out.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Wrote {out} ({len(content):,} bytes)."))
