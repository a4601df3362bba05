"""Crash-safety check (SECURITY.md 27): kill -9 the application server during a burst of saves.

Clinician clients submit encounters as fast as they can; each keeps its client key and retries
until acknowledged. Meanwhile the gunicorn master and workers are killed with SIGKILL every few
seconds and restarted. At the end every acknowledged encounter must exist exactly once, no
client key may have produced two records, and (when the audit verifier exists) the audit chain
must verify.

    .venv/bin/python bench/crash_safety.py                  # 4 clients, 5 kills
    .venv/bin/python bench/crash_safety.py --kills 20

Killing PostgreSQL as well (`--kill-postgres`) stops the shared cluster with SIGKILL and
restarts it with pg_ctlcluster: only use it on a machine where nothing else needs the database.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
import requests
from encounter_post import CSRF, unidentified_encounter

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SAVED = re.compile(r"^/encounters/\d+/$")
SETUP = """
from coresponse.accounts.mfa import enrol_with_secret
from coresponse.accounts.models import Membership, User
from coresponse.programs.models import Program
program = Program.objects.get(slug="ashford")
for index in range({clients}):
    user = User.objects.create(username=f"crash{{index}}")
    user.set_password("crash-bench-password-2026")
    user.save()
    Membership.objects.create(user=user, role="clinician", organization=program.organization,
                              program=program)
    enrol_with_secret(user, f"{{index + 1:040x}}")
"""


class Server:
    """gunicorn in its own process group, so one SIGKILL takes master and workers."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port, self.process = env, port, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{self.port}",
                "-w",
                "2",
                "--threads",
                "4",
                "--log-level",
                "critical",
            ],
            env=self.env,
            cwd=ROOT,
            start_new_session=True,
        )

    def wait_until_up(self) -> None:
        for _ in range(240):
            try:
                requests.get(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.25)
        sys.exit("gunicorn did not start")

    def kill(self) -> None:
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def totp(index: int) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(f'{index + 1:040x}')).token():06d}"


def log_in(base: str, index: int) -> requests.Session:
    while True:
        try:
            session = requests.Session()
            page = session.get(f"{base}/accounts/login/", timeout=10)
            token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
            step = session.post(
                f"{base}/accounts/login/",
                timeout=10,
                data={
                    "csrfmiddlewaretoken": token,
                    "username": f"crash{index}",
                    "password": "crash-bench-password-2026",
                },
            )
            token = CSRF.search(step.text).group(1)  # type: ignore[union-attr]
            session.post(
                step.url, data={"csrfmiddlewaretoken": token, "code": totp(index)}, timeout=10
            )
            return session
        except (requests.RequestException, AttributeError):
            time.sleep(0.5)


def client(
    index: int,
    base: str,
    stop: threading.Event,
    codes: dict[str, int],
    acknowledged: list[str],
    retries: list[int],
    lock: threading.Lock,
) -> None:
    session = log_in(base, index)
    token = ""
    while not stop.is_set():
        key = str(uuid.uuid4())
        attempts = 0
        while True:
            attempts += 1
            try:
                if not token:
                    token = CSRF.search(
                        session.get(f"{base}/encounters/new/", timeout=10).text
                    ).group(1)  # type: ignore[union-attr]
                response = session.post(
                    f"{base}/encounters/new/",
                    timeout=10,
                    allow_redirects=False,
                    headers={"Referer": f"{base}/encounters/new/"},
                    data=form(token, key, codes),
                )
                location = response.headers.get("Location", "")
                if response.status_code == 302 and SAVED.match(location):
                    with lock:
                        acknowledged.append(key)
                        retries.append(attempts - 1)
                    break
                if "/accounts/login" in location:
                    session = log_in(base, index)
                token = ""
            except (requests.RequestException, AttributeError):
                token = ""
                time.sleep(0.3)


def form(token: str, key: str, codes: dict[str, int]) -> dict[str, object]:
    return unidentified_encounter(
        client_key=key,
        codes=codes,
        csrfmiddlewaretoken=token,
        age_band="45_54",
        sex="male",
        ed_outcome="not_indicated",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between kills")
    parser.add_argument("--port", type=int, default=8191)
    parser.add_argument("--kill-postgres", action="store_true")
    args = parser.parse_args()

    database = f"cr_bench_crash_{os.getpid()}"
    url = f"postgresql://postgres@127.0.0.1:5432/{database}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "LOG_LEVEL": "CRITICAL",
    }
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    server = Server(env, args.port)
    try:
        for command in (
            ["migrate", "--no-input", "-v0"],
            ["demo-data", "--scale", "0.02"],
            ["shell", "-c", SETUP.format(clients=args.clients)],
        ):
            subprocess.run(
                [str(BIN / "coresponse"), *command],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        with psycopg.connect(url) as connection:
            codes = {
                "department": connection.execute(
                    "SELECT id FROM programs_department WHERE slug='ashford'"
                ).fetchone()[0],
                "program": connection.execute(
                    "SELECT id FROM programs_program WHERE slug='ashford'"
                ).fetchone()[0],
                "problem": connection.execute(
                    "SELECT id FROM common_code WHERE key='anxiety_panic'"
                ).fetchone()[0],
            }
            before = connection.execute("SELECT count(*) FROM encounters_encounter").fetchone()[0]
        server.start()
        server.wait_until_up()
        base = f"http://127.0.0.1:{args.port}"
        stop, lock = threading.Event(), threading.Lock()
        acknowledged: list[str] = []
        retries: list[int] = []
        threads = [
            threading.Thread(
                target=client, args=(index, base, stop, codes, acknowledged, retries, lock)
            )
            for index in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for kill in range(1, args.kills + 1):
            time.sleep(args.interval)
            server.kill()
            if args.kill_postgres and kill % 2 == 0:
                restart_postgres()
            server.start()
            server.wait_until_up()
            print(f"kill -9 #{kill}: {len(acknowledged)} acknowledged so far", flush=True)
        time.sleep(args.interval)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        verify(url, env, acknowledged, retries, before)
    finally:
        server.kill()
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def restart_postgres() -> None:
    cluster = os.listdir("/etc/postgresql")[0]
    subprocess.run(["/usr/bin/pkill", "-9", "-f", "postgres -D"], check=False)
    subprocess.run(
        ["/usr/bin/pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "start"],
        check=True,
    )


def verify(
    url: str, env: dict[str, str], acknowledged: list[str], retries: list[int], before: int
) -> None:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT client_key::text FROM encounters_encounter WHERE created_at IS NOT NULL"
        ).fetchall()
        total = connection.execute("SELECT count(*) FROM encounters_encounter").fetchone()[0]
    stored = [row[0] for row in rows]
    missing = set(acknowledged) - set(stored)
    duplicates = len(stored) - len(set(stored))
    created = total - before
    print(
        f"\nacknowledged: {len(acknowledged)}; created: {created}; "
        f"retried saves: {sum(1 for count in retries if count)} "
        f"(max {max(retries, default=0)} retries)"
    )
    print(
        f"acknowledged but missing: {len(missing)}; duplicate client keys: {duplicates}; "
        f"created but never acknowledged: {created - len(set(acknowledged))}"
    )
    audit = subprocess.run(
        [str(BIN / "coresponse"), "audit", "verify"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    print(
        "audit verify:",
        (audit.stdout or audit.stderr).strip().splitlines()[-1:]
        if audit.returncode in (0, 1)
        else "not available",
    )
    ok = bool(acknowledged) and not missing and not duplicates and created == len(set(acknowledged))
    print("RESULT:", "no acknowledged record lost, no duplicate" if ok else "FAILED")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
