"""`coresponse send-reports`: e-mail each department liaison last month's department report."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coresponse.common.ids import parse_id
from coresponse.programs.models import Department
from coresponse.reporting.delivery import monthly_reports_send, previous_month, report_recipients


class Command(BaseCommand):
    help = (
        "E-mail each department liaison the monthly department report (PDF) of last month, "
        "once; run it from the scheduler on the 1st."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="The month to report, YYYY-MM (default: last month).")
        parser.add_argument(
            "--department", action="append", default=[], help="Department id (repeatable)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the recipients; send nothing."
        )
        parser.add_argument("--resend", action="store_true", help="Send even if sent before.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                first = datetime.date.fromisoformat(f"{options['month']}-01")
            except ValueError:
                raise CommandError(
                    f"--month must look like 2026-10, not {options['month']!r}."
                ) from None
            year, month = first.year, first.month
            if first > timezone.localdate().replace(day=1):
                raise CommandError(f"{options['month']} has not begun: nothing to report yet.")
        else:
            year, month = previous_month(timezone.localdate())
        department_ids = None
        if options["department"]:
            department_ids = []
            for reference in options["department"]:
                department_id = parse_id(reference)
                if department_id is None:
                    raise CommandError(f"--department takes a department id, not {reference!r}.")
                if not Department.objects.filter(pk=department_id).exists():
                    raise CommandError(f"No department with id {reference}.")
                department_ids.append(department_id)
        if options["dry_run"]:
            recipients = list(report_recipients(department_ids))
            for membership in recipients:
                address = membership.user.email or "no e-mail address"
                self.stdout.write(
                    f"{membership.department}: {membership.user.username} <{address}>"
                )
            self.stdout.write(
                f"{len(recipients)} recipient(s) for {year}-{month:02d}; nothing sent."
            )
            return
        run = monthly_reports_send(
            year=year, month=month, department_ids=department_ids, resend=options["resend"]
        )
        for who in run.sent:
            self.stdout.write(f"sent: {who}")
        for who in run.without_address:
            self.stdout.write(f"not sent, no e-mail address: {who}")
        self.stdout.write(
            f"{year}-{month:02d}: sent {len(run.sent)} report(s); {len(run.already_sent)} "
            f"already sent; {len(run.without_address)} without an e-mail address."
        )
