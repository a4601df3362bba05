"""List certifications due for renewal and, with --send, e-mail each holder once."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from coresponse.programs.models import Organization
from coresponse.training.reminders import renewal_reminders_send
from coresponse.training.selectors import renewals_due


class Command(BaseCommand):
    help = "List CIT/MHFA certifications expiring soon (or lapsed); --send e-mails reminders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--within", type=int, default=60, help="Days ahead (default 60).")
        parser.add_argument("--date", help="Count from this day (YYYY-MM-DD), default today.")
        parser.add_argument("--organization", help="Organization slug (default: all).")
        parser.add_argument("--send", action="store_true", help="E-mail reminders not yet sent.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = (
                datetime.date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate()
            )
        except ValueError as error:
            raise CommandError(f"--date must look like 2026-03-01: {error}") from error
        if options["within"] < 0:
            raise CommandError("--within must be 0 or more days.")
        organizations = Organization.objects.all()
        if options["organization"]:
            organizations = organizations.filter(slug=options["organization"])
            if not organizations.exists():
                raise CommandError(f"No organization with slug {options['organization']!r}.")
        ids = list(organizations.values_list("id", flat=True))
        due = renewals_due(organization_ids=ids, on=on, within_days=options["within"])
        for item in due:
            certification = item.certification
            when = (
                f"expired {-item.days_left} days ago"
                if item.is_lapsed
                else f"expires in {item.days_left} days"
            )
            reminded = " (reminded)" if certification.reminder_sent_at else ""
            self.stdout.write(
                f"{certification.expires_on:%Y-%m-%d}  {certification.get_kind_display():<24} "
                f"{certification.officer}, {certification.officer.department}: {when}{reminded}"
            )
        self.stdout.write(f"{len(due)} certification(s) due within {options['within']} days.")
        if options["send"]:
            run = renewal_reminders_send(
                actor=None, organization_ids=ids, on=on, within_days=options["within"]
            )
            self.stdout.write(
                f"Sent {run.sent} reminder(s); {run.already_sent} already reminded; "
                f"{run.without_address} without an e-mail address."
            )
