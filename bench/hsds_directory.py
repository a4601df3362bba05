"""How long the HSDS directory takes to import, export and search, against reading its JSON.

A synthetic directory of N services (each with an organization, a location and its address,
phones, two schedules, two service areas, two languages, a need and a bed count) is written
as HSDS JSON; the baseline is `json.loads` of that file in the same process. Then: checking
the file (parse + validate, nothing written), importing it into an empty directory (one
transaction), importing it again (every row unchanged), exporting JSON, exporting the CSV
ZIP, and searching the directory (keyword + town + open now).

    .venv/bin/python bench/hsds_directory.py            # 200 services, 3 runs each
    .venv/bin/python bench/hsds_directory.py --full     # 2,000 services, 3 runs each

It runs on a throw-away SQLite file unless DATABASE_URL names another database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='hsds-bench-')}/bench.sqlite3"
)

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from coresponse.accounts.models import Membership, Role, User  # noqa: E402
from coresponse.directory.hsds.dump import dump_records, to_csv_files, to_json, to_zip  # noqa: E402
from coresponse.directory.hsds.load import existing_ids  # noqa: E402
from coresponse.directory.hsds.parse import parse_json  # noqa: E402
from coresponse.directory.hsds.validate import validate  # noqa: E402
from coresponse.directory.selectors import DirectoryQuery, directory_search  # noqa: E402
from coresponse.directory.services import directory_import  # noqa: E402
from coresponse.programs.models import Organization  # noqa: E402

TOWNS = ["Ashford", "Brookfield", "Cedar Falls", "Dover", "Easton", "Fairview"]


def ident(counter: list[int]) -> str:
    counter[0] += 1
    return str(uuid.UUID(int=counter[0], version=4))


def directory_json(count: int) -> bytes:
    counter = [0]
    term = {"id": ident(counter), "code": "outpatient", "name": "Outpatient", "description": ""}
    unit = {"id": ident(counter), "name": "Bed"}
    services = []
    for index in range(count):
        organization_id = ident(counter)
        location_id = ident(counter)
        services.append(
            {
                "id": ident(counter),
                "name": f"Service {index}",
                "description": "Counselling and groups for adults in the area.",
                "status": "active",
                "minimum_age": 18,
                "assured_date": "2026-01-15",
                "organization": {"id": organization_id, "name": f"Agency {index}"},
                "phones": [{"id": ident(counter), "number": f"(508) 555-{index % 10000:04d}"}],
                "schedules": [
                    {
                        "id": ident(counter),
                        "freq": "WEEKLY",
                        "byday": "MO,TU,WE,TH,FR",
                        "opens_at": "09:00",
                        "closes_at": "17:00",
                    },
                    {
                        "id": ident(counter),
                        "freq": "MONTHLY",
                        "byday": "2SA",
                        "opens_at": "10:00",
                        "closes_at": "14:00",
                    },
                ],
                "service_areas": [
                    {"id": ident(counter), "name": TOWNS[index % 6]},
                    {"id": ident(counter), "name": TOWNS[(index + 1) % 6]},
                ],
                "languages": [
                    {"id": ident(counter), "name": "English", "code": "en"},
                    {"id": ident(counter), "name": "Spanish", "code": "es"},
                ],
                "capacities": [
                    {
                        "id": ident(counter),
                        "available": index % 9,
                        "maximum": 12,
                        "updated": "2026-06-01T08:00:00-04:00",
                        "unit": unit,
                    }
                ],
                "attributes": [{"id": ident(counter), "taxonomy_term": term}],
                "service_at_locations": [
                    {
                        "id": ident(counter),
                        "location": {
                            "id": location_id,
                            "location_type": "physical",
                            "name": f"Office {index}",
                            "addresses": [
                                {
                                    "id": ident(counter),
                                    "address_1": f"{index} Main Street",
                                    "city": TOWNS[index % 6],
                                    "state_province": "MA",
                                    "postal_code": "02101",
                                    "country": "US",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
            }
        )
    return json.dumps({"contents": services}).encode()


def timed(action, repeat: int) -> float:  # type: ignore[no-untyped-def]
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="2,000 services")
    arguments = parser.parse_args()
    count, repeat = (2000, 3) if arguments.full else (200, 3)
    call_command("migrate", verbosity=0)
    tenant = Organization.objects.create(name="Bench agency", slug=f"bench-{uuid.uuid4().hex[:6]}")
    user = User.objects.create(username=f"bench-{tenant.slug}")
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR, organization=tenant)
    content = directory_json(count)

    baseline = timed(lambda: json.loads(content), repeat)

    def check() -> None:
        _, problems = validate(parse_json(content), existing_ids=existing_ids(tenant))
        assert not problems, problems[:3]

    def import_fresh() -> None:
        with transaction.atomic():
            result = directory_import(
                actor=None, tenant=tenant, file_name="bench.json", content=content
            )
            assert result.is_imported
            transaction.set_rollback(True)

    checked = timed(check, repeat)
    fresh = timed(import_fresh, repeat)
    directory_import(actor=None, tenant=tenant, file_name="bench.json", content=content)
    again = timed(
        lambda: directory_import(actor=None, tenant=tenant, file_name="b.json", content=content),
        repeat,
    )
    export_json = timed(lambda: to_json(dump_records(tenant)), repeat)
    export_csv = timed(lambda: to_zip(to_csv_files(dump_records(tenant))), repeat)
    query = DirectoryQuery(text="counselling", town="Dover", is_open_now=True)
    search = timed(lambda: directory_search(user, query), repeat)

    print(f"HSDS directory, {count:,} services ({len(content) / 1e6:.1f} MB of JSON)")
    print(f"  baseline json.loads        {baseline * 1000:9.1f} ms   1.0×")
    for label, seconds in (
        ("check (parse + validate)", checked),
        ("import into empty", fresh),
        ("import again (unchanged)", again),
        ("export JSON", export_json),
        ("export CSV zip", export_csv),
        ("search: word+town+open now", search),
    ):
        print(
            f"  {label:26} {seconds * 1000:9.1f} ms {seconds / baseline:6.1f}×"
            f"   ({seconds / count * 1000:.2f} ms per service)"
        )


if __name__ == "__main__":
    main()
