"""`coresponse restore PATH`: load a backup into an empty database and verify it."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coresponse.security.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into an empty, migrated database; checks counts and the audit chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Erase the records already in this database first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = restore_backup(
                options["path"], key_b64=os.environ.get("BACKUP_KEY"), replace=options["replace"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        total = sum(report.counts.values())
        self.stdout.write(self.style.SUCCESS(f"Restored {total:,} records. {report.chain_message}"))
