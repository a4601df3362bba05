"""`coresponse demo-data`: load the synthetic demo data set (skipped when present)."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coresponse.common.statistics import refresh_statistics
from coresponse.demo.generator import build_demo, demo_data_exists


class Command(BaseCommand):
    help = "Load the deterministic synthetic demo data set (no real person is represented)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Empty the database first and rebuild the demo data.",
        )
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Multiply encounter volumes (default 1.0, about 14,000).",
        )
        parser.add_argument("--seed", type=int, default=2003)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            help="Pretend today is this date (YYYY-MM-DD), for repeatable runs.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] <= 0:
            raise CommandError("--scale must be greater than 0.")
        if demo_data_exists():
            if not options["reset"]:
                self.stdout.write("Demo data already loaded; use --reset to rebuild it.")
                return
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", verbosity=0, interactive=False)
        started = time.monotonic()
        self.stdout.write("Building synthetic demo data:")
        context = build_demo(
            today=options["today"],
            scale=options["scale"],
            seed=options["seed"],
            log=self.stdout.write,
        )
        refresh_statistics()
        counts = ", ".join(f"{value:,} {name}" for name, value in context.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready in {time.monotonic() - started:.1f} s: {counts}.")
        )
