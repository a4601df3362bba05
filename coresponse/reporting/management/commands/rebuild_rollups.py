"""`coresponse rebuild-rollups`: recompute every fact and rollup from the encounters."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from coresponse.programs.models import Organization
from coresponse.reporting.rollups import rebuild_rollups


class Command(BaseCommand):
    help = "Rebuild the reporting facts and rollups (after bulk loads, or to repair drift)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", help="Only this organization (slug).")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        organization_id = None
        if options["organization"]:
            organization = Organization.objects.filter(slug=options["organization"]).first()
            if organization is None:
                raise CommandError(f"No organization {options['organization']!r}.")
            organization_id = organization.pk
        bars: dict[str, tqdm[Any]] = {}

        def progress(step: str, done: int, total: int) -> None:
            if options["quiet"]:
                return
            bar = bars.get(step)
            if bar is None:
                bar = bars[step] = tqdm(
                    total=total,
                    desc=step,
                    unit=" rows" if step == "facts" else " steps",
                    file=self.stderr,
                )
            bar.update(done - bar.n)
            if done >= total:
                bar.close()

        started = time.monotonic()
        written = rebuild_rollups(organization_id=organization_id, progress=progress)
        for bar in bars.values():
            bar.close()
        seconds = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt the rollups of {written:,} counted encounters in {seconds:.1f} s."
            )
        )
