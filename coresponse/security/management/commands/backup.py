"""`coresponse backup PATH`: every record in one file (encrypted when BACKUP_KEY is set)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coresponse.security.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write a logical backup of the whole database (see README, Backups and restore)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The file to write (created with mode 600).")

    def handle(self, *args: Any, **options: Any) -> None:
        key = os.environ.get("BACKUP_KEY")
        try:
            manifest = write_backup(options["path"], key_b64=key)
        except BackupError as error:
            raise CommandError(str(error)) from None
        total = sum(manifest["counts"].values())
        state = "encrypted" if key else "NOT encrypted (set BACKUP_KEY)"
        self.stdout.write(f"Backed up {total:,} records to {options['path']} ({state}).")
