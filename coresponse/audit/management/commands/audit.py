"""`coresponse audit verify` and `coresponse audit anchor`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from coresponse.audit.models import AuditHead
from coresponse.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit trail's hash chain, or print its signed head for safekeeping."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True)
        commands.add_parser("verify", help="Recompute every link; report the first break.")
        commands.add_parser(
            "anchor",
            help="Print the signed chain head (send it to a log outside the database host).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "anchor":
            head = AuditHead.objects.filter(pk=1).first()
            if head is None:
                raise CommandError("The audit trail is empty.")
            self.stdout.write(f"{head.last_id} {head.last_hash} {head.signature}")
            return
        report = verify_chain()
        if not report.is_intact:
            raise CommandError(report.message)
        self.stdout.write(self.style.SUCCESS(report.message))
