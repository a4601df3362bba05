"""`coresponse people …`: identity-resolution jobs (deduplicate a people list, find duplicates).

coresponse people dedupe INPUT.csv --id-column COL [--map FIELD=COL ...]
                         [--threshold P] --output OUT.csv
coresponse people find-duplicates [--organization SLUG]
coresponse people reindex
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from coresponse.people.linkage.dedupe import DEFAULT_THRESHOLD, dedupe_records
from coresponse.people.linkage.peoplelist import PeopleListError, parse_mapping, read_people_list
from coresponse.people.linkage.records import FIELDS

# Progress bars appear from this many rows on; small lists finish before one would help.
PROGRESS_FROM_ROWS = 5_000


class Command(BaseCommand):
    help = "Identity resolution: deduplicate a people list."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        dedupe = actions.add_parser(
            "dedupe",
            help="Cluster the rows of a people list that are the same person.",
            description="Writes OUT.csv with record_id,cluster_id, one row per input row.",
        )
        dedupe.add_argument("input", metavar="INPUT.csv", type=Path)
        dedupe.add_argument("--id-column", required=True, metavar="COL")
        dedupe.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COL",
            help=f"use column COL as FIELD ({', '.join(FIELDS)}); repeat for each field",
        )
        dedupe.add_argument(
            "--threshold",
            type=str,
            default=str(DEFAULT_THRESHOLD),
            metavar="P",
            help=f"match probability from which two rows are linked (default {DEFAULT_THRESHOLD})",
        )
        dedupe.add_argument("--output", required=True, metavar="OUT.csv", type=Path)
        actions.add_parser("reindex", help="Rebuild the lookup keys of every person.")
        actions.add_parser(
            "find-duplicates", help="Queue likely duplicate people for supervisors' review."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "dedupe":
            self._dedupe(options)
        elif action == "reindex":
            from coresponse.people.lookup_index import lookup_keys_rebuild

            self.stdout.write(f"Lookup keys rebuilt for {lookup_keys_rebuild()} people.")
        elif action == "find-duplicates":
            from coresponse.people.duplicates import duplicates_find

            self.stdout.write(f"{duplicates_find()} likely duplicate pair(s) queued for review.")

    def _dedupe(self, options: dict[str, Any]) -> None:
        try:
            threshold = float(options["threshold"])
        except ValueError:
            threshold = -1.0
        if not 0.0 < threshold < 1.0:
            raise CommandError(
                f"--threshold must be a probability between 0 and 1 (exclusive), "
                f"got {options['threshold']}."
            )
        input_path: Path = options["input"]
        output_path: Path = options["output"]
        started = time.perf_counter()
        try:
            mapping = parse_mapping(options["map"])
            with tqdm(
                desc="reading", unit=" rows", file=sys.stderr, disable=None, leave=False
            ) as reading:
                people = read_people_list(
                    input_path,
                    id_column=options["id_column"],
                    mapping=mapping,
                    on_row=lambda: reading.update(1),
                )
        except PeopleListError as error:
            raise CommandError(str(error)) from None
        show_progress = len(people.records) >= PROGRESS_FROM_ROWS
        with tqdm(
            desc="comparing",
            unit=" pairs",
            file=sys.stderr,
            disable=not show_progress,
            leave=False,
        ) as comparing:
            result = dedupe_records(
                people.records,
                fields=people.fields,
                threshold=threshold,
                on_pairs=lambda total: setattr(comparing, "total", total),
                progress=comparing.update,
            )
        try:
            with output_path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["record_id", "cluster_id"])
                writer.writerows(zip(people.record_ids, result.cluster_of, strict=True))
        except OSError as error:
            raise CommandError(f"Cannot write {output_path}: {error.strerror}.") from None
        clusters = len(set(result.cluster_of))
        self.stderr.write(
            f"{len(people.records)} rows → {clusters} people "
            f"({len(people.records) - clusters} duplicate rows); "
            f"{result.compared_pairs} pairs compared in {time.perf_counter() - started:.1f} s."
        )
