"""`coresponse warm-charts`: draw the default dashboards' charts before anyone opens them."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from coresponse.programs.models import Organization
from coresponse.reporting.dashboard import default_scopes, prune_charts, warm_charts
from coresponse.reporting.models import KeptSuppression


class Command(BaseCommand):
    help = (
        "Draw and keep the charts of every default dashboard (last 24 full months, exact and "
        "suppressed), and the answers of the suppressed ones' small-cell suppression. Run "
        "after rebuild-rollups and nightly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="Only this organization (slug).")
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--prune-days",
            type=int,
            default=35,
            help="First forget charts drawn, and suppressions solved, more than this many days "
            "ago (default 35).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization_id = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization {options['organization']!r}.")
            organization_id = organization.pk
        started = time.monotonic()
        pruned_charts, pruned_suppressions = prune_charts(options["prune_days"])
        solved_before = KeptSuppression.objects.count()
        scopes = default_scopes(organization_id)
        bar = (
            None
            if options["quiet"]
            else tqdm(total=len(scopes), desc="dashboards", file=self.stderr)
        )

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.update(done - bar.n)

        drawn = warm_charts(timezone.localdate(), scopes, progress=progress)
        if bar is not None:
            bar.close()
        solved = KeptSuppression.objects.count() - solved_before
        self.stdout.write(
            self.style.SUCCESS(
                f"Drew {drawn} charts and solved {solved} suppressed tables for {len(scopes)} "
                f"dashboards (forgot {pruned_charts} old charts and {pruned_suppressions} old "
                f"suppressions) in {time.monotonic() - started:.1f} s."
            )
        )
