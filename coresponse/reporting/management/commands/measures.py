"""`coresponse measures`: every measure of a department, program or organization by period."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from coresponse.accounts.models import User
from coresponse.common.exports import csv_text
from coresponse.common.ids import lookup_id
from coresponse.programs.models import Department, Organization, Program
from coresponse.reporting.measures.registry import MEASURES
from coresponse.reporting.results import (
    RELEASE_HEADER,
    ReleaseError,
    build_release,
    display,
    release_json,
    release_rows,
)
from coresponse.reporting.scopes import Kind, ReportScope, report_scope, unrestricted_scope


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a date; write it as YYYY-MM-DD.") from None


def _find(model: Any, reference: str, label: str) -> Any:
    found = list(model.objects.filter(pk=lookup_id(reference))) or list(
        model.objects.filter(slug=reference)
    )
    if not found:
        raise CommandError(f"No {label} {reference!r}.")
    if len(found) > 1:
        raise CommandError(f"Several {label}s are called {reference!r}; give the id instead.")
    return found[0]


class Command(BaseCommand):
    help = (
        "Print every outcome measure (README: Measures) of one organization, program or "
        "department for each month, quarter or year of a period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--organization", help="Organization slug or id.")
        scope.add_argument("--program", help="Program slug or id.")
        scope.add_argument("--department", help="Department slug or id.")
        parser.add_argument("--from", dest="start", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument(
            "--to",
            dest="end",
            required=True,
            help="First day after the period, YYYY-MM-DD (exclusive, as the JSON 'end').",
        )
        parser.add_argument("--by", choices=["month", "quarter", "year"], default="month")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")
        parser.add_argument(
            "--measure",
            action="append",
            dest="measures",
            choices=sorted(MEASURES),
            metavar="NAME",
            help="Only this measure (repeatable); default every measure.",
        )
        parser.add_argument(
            "--user",
            help="Answer as this user would see it (an analyst's run is suppressed); "
            "without it the figures are exact (operators only).",
        )

    def _scope(self, options: dict[str, Any]) -> ReportScope:
        if options["organization"]:
            kind, target = (
                Kind.ORGANIZATION,
                _find(Organization, options["organization"], "organization"),
            )
        elif options["program"]:
            kind, target = Kind.PROGRAM, _find(Program, options["program"], "program")
        else:
            kind, target = Kind.DEPARTMENT, _find(Department, options["department"], "department")
        if not options["user"]:
            return unrestricted_scope(kind, target.pk)
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        try:
            return report_scope(user, kind, target.pk)
        except Http404:
            raise CommandError(f"{user.username} may not see the figures of {target}.") from None

    def handle(self, *args: Any, **options: Any) -> None:
        scope = self._scope(options)
        start, end = _day(options["start"]), _day(options["end"])
        names = options["measures"] or [
            name
            for name, measure in MEASURES.items()
            if scope.shows_clinical or not measure.is_clinical
        ]
        if not scope.shows_clinical and any(MEASURES[name].is_clinical for name in names):
            raise CommandError("Clinical measures are not shown to police roles.")
        try:
            release = build_release(
                scope.selection(start, end),
                by=options["by"],
                names=names,
                suppressed=scope.is_suppressed,
            )
        except ReleaseError as error:
            raise CommandError(str(error)) from None
        info = {"kind": scope.kind, "id": scope.object_id, "name": scope.name}
        if options["format"] == "json":
            self.stdout.write(json.dumps(release_json(release, info), indent=2))
        elif options["format"] == "csv":
            self.stdout.write(csv_text(RELEASE_HEADER, release_rows(release)), ending="")
        else:
            self._table(release, scope)

    def _table(self, release: Any, scope: ReportScope) -> None:
        note = " (small counts suppressed)" if release.is_suppressed else ""
        self.stdout.write(f"{scope.name}{note}")
        width = max(len(MEASURES[name].label) for name in release.names)
        for row in release.periods:
            self.stdout.write(f"\n{row.period.label}")
            for name in release.names:
                measure = MEASURES[name]
                self.stdout.write(
                    f"  {measure.label:<{width}}  {display(row.values[name], measure.kind)}"
                )
