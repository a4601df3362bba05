"""Server cost of each request the load benchmark makes, one request at a time.

Builds a throwaway PostgreSQL database with the demo data (as `load.py` does), logs one
clinician in with password and authenticator code, then sends each kind of request `--repeats`
times through Django's full middleware stack (the test client, no HTTP server) and reports
per request: the CPU time of this process (Django), the CPU time of the PostgreSQL backend
serving it (from /proc, when PostgreSQL runs on this machine), the SQL statements sent and
the INSERTs into the audit trail. CPU time hardly depends on what else the machine runs,
unlike latencies; the baseline is the log-in page, as in `load.py`.

    .venv/bin/python bench/request_cost.py                  # 40 of each kind
    .venv/bin/python bench/request_cost.py --profile list   # and a cProfile of the list page
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
from encounter_post import CLIENT_KEY, unidentified_encounter
from procstat import process_cpu

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "request-cost-password-2026"

SETUP_SCRIPT = """
from coresponse.accounts.mfa import enrol_with_secret
from coresponse.accounts.models import Membership, User
from coresponse.programs.models import Program
program = Program.objects.get(slug="ashford")
user = User.objects.create(username="cost0", first_name="Cost", last_name="Zero")
user.set_password("{password}")
user.save()
Membership.objects.create(user=user, role="clinician", organization=program.organization,
                          program=program)
enrol_with_secret(user, "{secret}")
"""
SECRET = f"{7:040x}"


def run(command: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}")


def backend_cpu(pid: int) -> float:
    """CPU seconds of one PostgreSQL backend so far (0 when it is not on this machine)."""
    return process_cpu(pid) or 0.0


def measure(args: argparse.Namespace) -> None:
    """Runs inside Django (settings from the environment set by `main`)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp.oath import TOTP

    client = Client()
    step = client.post("/accounts/login/", {"username": "cost0", "password": PASSWORD}, follow=True)
    done = client.post(
        step.redirect_chain[-1][0],
        {"code": f"{TOTP(bytes.fromhex(SECRET)).token():06d}"},
        follow=True,
    )
    if not done.redirect_chain or "/accounts/login" in done.redirect_chain[-1][0]:
        sys.exit("cost0 could not log in")

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM programs_department WHERE slug = 'ashford'")
        department = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM programs_program WHERE slug = 'ashford'")
        program = cursor.fetchone()[0]
        cursor.execute(
            "SELECT id FROM common_code "
            "WHERE code_list = 'presenting_problem' AND key = 'psychosis'"
        )
        problem = cursor.fetchone()[0]
        cursor.execute(
            "SELECT person_id FROM people_persondepartment WHERE department_id = %s LIMIT 2000",
            [department],
        )
        people = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT id FROM encounters_encounter WHERE department_id = %s LIMIT 2000",
            [department],
        )
        encounters = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    rng = random.Random(1)

    def save() -> Callable[[], object]:
        # The form is fetched first (not measured), as a clinician opens it before saving.
        key = CLIENT_KEY.search(client.get("/encounters/new/").content.decode())
        data = unidentified_encounter(
            client_key=key.group(1),  # type: ignore[union-attr]
            codes={"program": program, "department": department, "problem": problem},
        )
        return lambda: client.post("/encounters/new/", data)

    def get(url: str) -> Callable[[], object]:
        return lambda: client.get(url)

    kinds: dict[str, tuple[Callable[[], Callable[[], object]], int]] = {
        "baseline": (lambda: lambda: Client().get("/accounts/login/"), 200),
        "signed in": (lambda: get("/accounts/password/"), 200),
        "list": (lambda: get(f"/encounters/?page={rng.randint(1, 20)}"), 200),
        "person": (lambda: get(f"/people/{rng.choice(people)}/"), 200),
        "encounter": (lambda: get(f"/encounters/{rng.choice(encounters)}/"), 200),
        "save form": (lambda: get("/encounters/new/"), 200),
        "save": (save, 302),
    }
    print(
        f"\n{'request':<10} {'Django ms':>10} {'PostgreSQL ms':>14} {'statements':>11}"
        f" {'audit INSERTs':>14} {'CPU ÷ baseline':>15}"
    )
    baseline = 0.0
    for kind, (prepare, status) in kinds.items():
        for _ in range(3):  # warm caches and connections
            prepare()()
        django_cpu = postgres_cpu = 0.0
        statements = audit_inserts = 0
        profile = cProfile.Profile() if kind == args.profile else None
        for _ in range(args.repeats):
            request = prepare()
            started_pg, started = backend_cpu(pid), time.process_time()
            with CaptureQueriesContext(connection) as queries:
                if profile is not None:
                    profile.enable()
                response = request()
                if profile is not None:
                    profile.disable()
            django_cpu += time.process_time() - started
            postgres_cpu += backend_cpu(pid) - started_pg
            if getattr(response, "status_code", None) != status:
                sys.exit(f"{kind}: answered {getattr(response, 'status_code', None)}")
            statements += len(queries)
            audit_inserts += sum(
                query["sql"].startswith('INSERT INTO "audit_auditevent"') for query in queries
            )
        cost = (django_cpu + postgres_cpu) / args.repeats * 1000
        baseline = baseline or cost
        print(
            f"{kind:<10} {django_cpu / args.repeats * 1000:>10.1f} "
            f"{postgres_cpu / args.repeats * 1000:>14.1f} {statements / args.repeats:>11.1f} "
            f"{audit_inserts / args.repeats:>14.1f} {cost / baseline:>15.1f}"
        )
        if profile is not None:
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.lines)
        if kind == args.sql:
            for query in queries:
                print(f"  {query['time']:>6}s  {query['sql'][: args.sql_width]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--scale", type=float, default=0.3, help="demo data scale")
    parser.add_argument("--profile", help="print a cProfile of this kind of request")
    parser.add_argument(
        "--sort", default="cumulative", help="order of the profile: cumulative or tottime"
    )
    parser.add_argument("--lines", type=int, default=40, help="lines of the profile printed")
    parser.add_argument("--sql", help="print the SQL statements of the last request of this kind")
    parser.add_argument("--sql-width", type=int, default=220, help="characters of each statement")
    parser.add_argument("--database", help=argparse.SUPPRESS)  # internal: measure only
    args = parser.parse_args()
    if args.database:
        measure(args)
        return

    database = f"cr_bench_cost_{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "LOG_LEVEL": "WARNING",
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "CHART_REDRAW_IN_BACKGROUND": "0",
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    try:
        print(f"Preparing {database} (demo data at scale {args.scale})…")
        run([str(BIN / "coresponse"), "migrate", "--no-input", "-v0"], env)
        run([str(BIN / "coresponse"), "demo-data", "--scale", str(args.scale)], env)
        script = SETUP_SCRIPT.format(password=PASSWORD, secret=SECRET)
        run([str(BIN / "coresponse"), "shell", "-c", script], env)
        # A fresh process, so the measured one holds no setup state.
        command = [sys.executable, __file__, "--database", database]
        command += ["--repeats", str(args.repeats)]
        if args.profile:
            command += ["--profile", args.profile, "--sort", args.sort, "--lines", str(args.lines)]
        if args.sql:
            command += ["--sql", args.sql, "--sql-width", str(args.sql_width)]
        subprocess.run(command, env=env, cwd=ROOT, check=True)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


if __name__ == "__main__":
    main()
