"""Benchmark of the person lookup at entry on PostgreSQL with a large people table.

Builds a throwaway database (dropped at the end), loads N synthetic people spread over 40
departments (`--full`: 1,000,000; default 100,000), and times `person_candidates` as the
encounter form calls it, for a clinician whose program serves two departments: three
letters ("kat"), a nickname, a misspelt surname, a full name with a date of birth, and 300
queries made from people in scope with typing errors. Reported: p50, p95 and max in
milliseconds, as ratios against a baseline measured in the same run (one indexed
`istartswith` query on the last name within the same scope, the least a lookup can do).

    .venv/bin/python bench/lookup.py [--full] [--people N]
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = f"cr_identity_lookup_bench_{os.getpid()}"
DEPARTMENTS = 40


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load_people(size: int, organization_id: int, department_ids: list[int]) -> None:
    from django.db import connection

    from coresponse.people.linkage.records import parse_date_parts
    from coresponse.people.linkage.synthetic import COLUMNS, LOW, people_list
    from coresponse.people.names import phonetic_key

    rows, _ = people_list(size, LOW, seed=5)
    now = datetime.datetime.now(datetime.UTC).isoformat()
    buffer = io.StringIO()
    for row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        year, month, day = (
            str(part) if part else r"\N" for part in parse_date_parts(values["dob"])
        )
        fields = [
            str(organization_id),
            values["first_name"] or "X",
            values["last_name"],
            year,
            month,
            day,
            "female" if values["sex"] == "F" else "male",
            values["phone"],
            values["address"],
            values["town"],
            values["postcode"],
            phonetic_key(values["first_name"]),
            phonetic_key(values["last_name"]),
            now,
            now,
        ]
        buffer.write("\t".join(field.replace("\t", " ") for field in fields) + "\n")
    columns = (
        "organization_id, first_name, last_name, birth_year, birth_month, birth_day, sex, "
        "phone, address, town, postcode, first_name_key, last_name_key, created_at, updated_at, "
        "middle_name, preferred_name, is_birth_date_approximate, race, ethnicity, "
        "veteran_status, primary_language, housing_status, police_summary, version"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE incoming (organization_id int, first_name text, last_name text, "
            "birth_year int, birth_month int, birth_day int, sex text, phone text, address text, "
            "town text, postcode text, first_name_key text, last_name_key text, "
            "created_at timestamptz, updated_at timestamptz)"
        )
        with cursor.copy("COPY incoming FROM STDIN") as copy:
            copy.write(buffer.getvalue())
        cursor.execute(
            f"INSERT INTO people_person ({columns}) SELECT *, '', '', false, 'unknown', "
            "'unknown', 'unknown', '', 'unknown', '', 1 FROM incoming"
        )
        cursor.execute(
            "INSERT INTO people_persondepartment (person_id, department_id, first_seen_at) "
            "SELECT id, (%s::int[])[1 + (id %% %s)], now() FROM people_person",
            [department_ids, len(department_ids)],
        )
        cursor.execute("ANALYZE")


def load_lookup_keys() -> None:
    """The lookup keys of every person, computed by the product's own function, COPY-ed."""
    from django.db import connection

    from coresponse.people.lookup_index import keys_of_names
    from coresponse.people.models import Person, PersonAlias, PersonDepartment

    aliases: dict[int, list[str]] = {}
    for person_id, first, last in PersonAlias.objects.values_list(
        "person_id", "first_name", "last_name"
    ):
        aliases.setdefault(person_id, []).extend([first, last])
    departments = dict(PersonDepartment.objects.values_list("person_id", "department_id"))
    buffer = io.StringIO()
    for person_id, first, last, preferred in Person.objects.values_list(
        "id", "first_name", "last_name", "preferred_name"
    ).iterator(chunk_size=20_000):
        department = departments.get(person_id)
        if department is None:
            continue
        for key in keys_of_names([first, last, preferred, *aliases.get(person_id, [])]):
            buffer.write(f"{department}\t{person_id}\t{key}\n")
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE people_personlookupkey")
        with cursor.copy(
            "COPY people_personlookupkey (department_id, person_id, key) FROM STDIN"
        ) as copy:
            copy.write(buffer.getvalue())
        cursor.execute("ANALYZE people_personlookupkey")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="1,000,000 people")
    parser.add_argument("--people", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the database (to inspect)")
    parser.add_argument("--reuse", metavar="DATABASE", help="time again on a kept database")
    options = parser.parse_args()
    size = options.people or (1_000_000 if options.full else 100_000)
    if options.reuse:
        run(size, reuse=options.reuse)
        return
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {DATABASE}")
    try:
        run(size)
    finally:
        from django.db import connections

        connections.close_all()
        if options.keep:
            print(f"kept database {DATABASE}")
        else:
            with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def run(size: int, reuse: str = "") -> None:
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{reuse or DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from coresponse.accounts.models import Membership, Role, User
    from coresponse.people.models import Person, PersonAlias, PersonDepartment
    from coresponse.programs.models import Department, Organization, Program, ProgramDepartment

    started = time.perf_counter()
    if reuse:
        call_command("migrate", verbosity=0)
        from coresponse.people.models import PersonLookupKey

        if not PersonLookupKey.objects.exists():
            load_lookup_keys()
            print(f"lookup keys built in {time.perf_counter() - started:.0f} s")
        measure(
            User.objects.get(username="bench-clinician"),
            Person.objects.get(
                first_name="Katherine", last_name="Sullivan", preferred_name="Kathy"
            ),
            Person.objects.count(),
        )
        return
    call_command("migrate", verbosity=0)
    organization = Organization.objects.create(name="Bench", slug="bench")
    departments = [
        Department.objects.create(organization=organization, name=f"PD {n}", slug=f"pd{n}")
        for n in range(DEPARTMENTS)
    ]
    program = Program.objects.create(organization=organization, name="Bench", slug="bench")
    for department in departments[:2]:
        ProgramDepartment.objects.create(
            program=program, department=department, launched_on=datetime.date(2010, 1, 1)
        )
    clinician = User.objects.create(username="bench-clinician")
    Membership.objects.create(
        user=clinician, role=Role.CLINICIAN, organization=organization, program=program
    )
    load_people(size, organization.pk, [department.pk for department in departments])
    kathy = Person.objects.create(
        organization=organization,
        first_name="Katherine",
        last_name="Sullivan",
        preferred_name="Kathy",
        birth_year=1979,
        birth_month=4,
        birth_day=12,
    )
    PersonAlias.objects.create(person=kathy, first_name="Kathy", last_name="Sulivan")
    PersonDepartment.objects.create(
        person=kathy, department=departments[0], first_seen_at=timezone.now()
    )
    load_lookup_keys()
    print(
        f"loaded {size + 1:,} people and their lookup keys in {time.perf_counter() - started:.0f} s"
    )
    measure(clinician, kathy, size + 1)


def measure(clinician: Any, kathy: Any, total: int) -> None:
    from coresponse.people.matching import LookupQuery, person_candidates
    from coresponse.people.selectors import people_clinically_visible_to

    rng = random.Random(9)
    scope = people_clinically_visible_to(clinician)
    sample = list(scope.values_list("first_name", "last_name", "birth_year")[:2000])
    queries = [
        LookupQuery("kat"),
        LookupQuery("Kathy"),
        LookupQuery("Sulivan"),
        LookupQuery("Kathy Sulivan", birth_year=1979, birth_month=4, birth_day=12),
    ]
    for first, last, year in rng.sample(sample, 300):
        kind = rng.choice(["prefix", "typo", "full"])
        if kind == "prefix":
            queries.append(LookupQuery(first[:3]))
        elif kind == "typo":
            position = rng.randrange(1, max(2, len(last) - 1))
            queries.append(LookupQuery(f"{first} {last[:position]}{last[position + 1 :]}"))
        else:
            queries.append(LookupQuery(f"{first} {last}", birth_year=year))
    for query in queries[:20]:  # warm the caches as a running server would be
        person_candidates(clinician, query)
    found_kathy = {
        query.text: any(c.person.pk == kathy.pk for c in person_candidates(clinician, query))
        for query in queries[:4]
    }
    lookup_ms, baseline_ms = [], []
    for query in queries:
        begin = time.perf_counter()
        person_candidates(clinician, query)
        lookup_ms.append((time.perf_counter() - begin) * 1000)
        begin = time.perf_counter()
        list(scope.filter(last_name__istartswith=query.text.split()[-1][:3])[:8])
        baseline_ms.append((time.perf_counter() - begin) * 1000)
    print(f"Kathy Sullivan suggested for: {found_kathy}")
    print(f"{len(queries)} lookups among {total:,} people ({scope.count():,} in scope)")
    print("| measure | lookup (ms) | baseline (ms) | ratio |")
    print("|---|---:|---:|---:|")
    for name, share in (("p50", 0.5), ("p95", 0.95), ("max", 1.0)):
        ours, base = percentile(lookup_ms, share), percentile(baseline_ms, share)
        print(f"| {name} | {ours:.1f} | {base:.1f} | {ours / base:.1f} |")
    print(f"mean {statistics.mean(lookup_ms):.1f} ms")


if __name__ == "__main__":
    main()
