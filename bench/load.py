"""Load benchmark (SECURITY.md 30): concurrent staff users on one machine.

Builds a throwaway PostgreSQL database with the demo data, starts gunicorn, and lets N virtual
clinicians (each logged in with password and authenticator code) read lists, person pages and
encounters and record encounters, with think time, for a fixed duration. Reports p95 latency of
reads and saves, errors, and checks that every acknowledged save exists once with its audit
event and that the audit chain verifies (`coresponse audit verify`). The baseline, measured
in the same run under the same load, is the log-in page (no database work): latencies are
also reported as ratios against it.

Latencies depend on whatever else runs on the machine; the server's CPU time per request
(gunicorn's processes, and the PostgreSQL backends serving the benchmark's database when the
server runs on this machine, sampled from /proc every second) does much less, and is reported
too. Gunicorn runs with the application's own settings (`config/gunicorn.conf.py`: on a
2-core machine 8 workers × 2 threads, with a 5 s keep-alive, longer than the 0.5–1.5 s think
time); `--workers`, `--threads` and `--keep-alive` override them to compare others.

    .venv/bin/python bench/load.py                       # 50 users, 30 s
    .venv/bin/python bench/load.py --seconds 300         # the 5-minute run of SECURITY.md
"""

from __future__ import annotations

import argparse
import os
import random
import re
import runpy
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests
from encounter_post import CLIENT_KEY, CSRF, unidentified_encounter
from procstat import cpu_seconds, stat_fields

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load-bench-password-2026"
SAVED = re.compile(r"^/encounters/\d+/$")


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    saved_keys: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


class CpuSampler:
    """CPU seconds used by gunicorn (master and workers) and by the PostgreSQL backends of one
    database, from /proc, sampled every second (a backend that exits between two samples
    loses at most its last second)."""

    def __init__(self, server_pid: int, database: str) -> None:
        self.server_pid = server_pid
        self.database = database
        # Per process (its pid and start time): its kind, CPU seconds when first and last seen.
        self.kinds: dict[tuple[str, str], str] = {}
        self.first: dict[tuple[str, str], float] = {}
        self.last: dict[tuple[str, str], float] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _kind(self, pid: str, stat: list[str]) -> str | None:
        if pid == str(self.server_pid) or stat[1] == str(self.server_pid):  # ppid
            return "gunicorn"
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode()
        except OSError:
            return None
        words = command.split()
        if command.startswith("postgres:") and len(words) > 3 and words[3] == self.database:
            return "postgres"
        return None

    def sample(self, *, first: bool = False) -> None:
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            stat = stat_fields(pid)
            if stat is None:
                continue
            key = (pid, stat[19])  # the pid and its start time
            seconds = cpu_seconds(stat)
            if key in self.kinds:
                self.last[key] = seconds
            elif (kind := self._kind(pid, stat)) is not None:
                # Processes started after the first sample count from zero.
                self.kinds[key], self.last[key] = kind, seconds
                self.first[key] = seconds if first else 0.0

    def _run(self) -> None:
        while not self.stopped.wait(1.0):
            self.sample()

    def start(self) -> None:
        self.sample(first=True)
        self.thread.start()

    def stop(self) -> dict[str, float]:
        self.stopped.set()
        self.thread.join()
        self.sample()
        totals = {"gunicorn": 0.0, "postgres": 0.0}
        for key, kind in self.kinds.items():
            totals[kind] += self.last[key] - self.first[key]
        return totals


def run(command: list[str], env: dict[str, str]) -> str:
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{completed.stdout}\n{completed.stderr}")
    return completed.stdout


SETUP_SCRIPT = """
from coresponse.accounts.mfa import enrol_with_secret
from coresponse.accounts.models import Membership, User
from coresponse.programs.models import Program
program = Program.objects.get(slug="ashford")
for index in range({users}):
    user = User.objects.create(username=f"load{{index}}", first_name="Load", last_name=str(index))
    user.set_password("{password}")
    user.save()
    Membership.objects.create(user=user, role="clinician", organization=program.organization,
                              program=program)
    enrol_with_secret(user, f"{{index:040x}}")
"""


def totp(index: int) -> str:
    from django_otp.oath import TOTP

    return f"{TOTP(bytes.fromhex(f'{index:040x}')).token():06d}"


def log_in(session: requests.Session, base: str, index: int) -> None:
    page = session.get(f"{base}/accounts/login/")
    token = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    step = session.post(
        f"{base}/accounts/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": f"load{index}",
            "password": PASSWORD,
        },
        headers={"Referer": f"{base}/accounts/login/"},
    )
    token = CSRF.search(step.text).group(1)  # type: ignore[union-attr]
    done = session.post(
        step.url,
        data={"csrfmiddlewaretoken": token, "code": totp(index)},
        headers={"Referer": step.url},
    )
    if "/accounts/login" in done.url:
        raise RuntimeError(f"load{index} could not log in")


def virtual_user(
    index: int,
    base: str,
    start_at: float,
    deadline: float,
    ids: dict[str, list[int]],
    codes: dict[str, int],
    results: Results,
) -> None:
    rng = random.Random(index)
    session = requests.Session()
    time.sleep(max(0.0, start_at - time.monotonic()))
    try:
        log_in(session, base, index)
    except Exception as error:
        results.error(f"login load{index}: {error}")
        return
    while time.monotonic() < deadline:
        action = rng.choices(["list", "person", "encounter", "save"], weights=[35, 30, 20, 15])[0]
        try:
            if action == "save":
                save(session, base, codes, results)
            else:
                url = {
                    "list": f"{base}/encounters/?page={rng.randint(1, 20)}",
                    "person": f"{base}/people/{rng.choice(ids['people'])}/",
                    "encounter": f"{base}/encounters/{rng.choice(ids['encounters'])}/",
                }[action]
                started = time.perf_counter()
                response = session.get(url)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    results.error(f"GET {url} -> {response.status_code}")
                else:
                    results.record("read", elapsed)
        except requests.RequestException as error:
            results.error(f"{action}: {error}")
        time.sleep(rng.uniform(0.5, 1.5))


def save(session: requests.Session, base: str, codes: dict[str, int], results: Results) -> None:
    form = session.get(f"{base}/encounters/new/")
    token = CSRF.search(form.text).group(1)  # type: ignore[union-attr]
    key = CLIENT_KEY.search(form.text).group(1)  # type: ignore[union-attr]
    data = unidentified_encounter(client_key=key, codes=codes, csrfmiddlewaretoken=token)
    started = time.perf_counter()
    response = session.post(
        f"{base}/encounters/new/",
        data=data,
        allow_redirects=False,
        headers={"Referer": f"{base}/encounters/new/"},
    )
    elapsed = time.perf_counter() - started
    if response.status_code == 302 and SAVED.match(response.headers.get("Location", "")):
        results.record("save", elapsed)
        with results.lock:
            results.saved_keys.append(key)
    else:
        results.error(f"save -> {response.status_code}")


def baseline(base: str, deadline: float, results: Results) -> None:
    session = requests.Session()
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = session.get(f"{base}/accounts/login/")
        if response.status_code == 200:
            results.record("baseline", time.perf_counter() - started)
        time.sleep(0.2)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--scale", type=float, default=0.3, help="demo data scale")
    parser.add_argument("--ramp", type=int, default=15, help="seconds over which users log in")
    parser.add_argument("--port", type=int, default=8190)
    # The defaults are the application's own gunicorn settings on this machine.
    served = runpy.run_path(str(GUNICORN_CONF))
    parser.add_argument("--workers", type=int, default=served["workers"])
    parser.add_argument("--threads", type=int, default=served["threads"])
    parser.add_argument(
        "--keep-alive", type=int, default=served["keepalive"], help="gunicorn's keep-alive seconds"
    )
    args = parser.parse_args()

    database = f"cr_bench_load_{os.getpid()}"
    url = f"postgres://postgres@127.0.0.1:5432/{database}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DEBUG": "0",
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {database}")
    server = None
    try:
        print(f"Preparing {database} (demo data at scale {args.scale}, {args.users} users)…")
        run([str(BIN / "coresponse"), "migrate", "--no-input", "-v0"], env)
        run([str(BIN / "coresponse"), "demo-data", "--scale", str(args.scale)], env)
        run(
            [
                str(BIN / "coresponse"),
                "shell",
                "-c",
                SETUP_SCRIPT.format(users=args.users, password=PASSWORD),
            ],
            env,
        )
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as connection:
            ids, codes = load_ids(connection)
            before = connection.execute(
                "SELECT count(*) FROM audit_auditevent WHERE action = 'submit'"
            ).fetchone()[0]
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                str(GUNICORN_CONF),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{args.port}",
                "-w",
                str(args.workers),
                "--threads",
                str(args.threads),
                "--keep-alive",
                str(args.keep_alive),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{args.port}"
        wait_until_up(base)
        sampler = CpuSampler(server.pid, database)
        sampler.start()
        client_cpu = time.process_time()
        results = Results()
        # Log-ins (Argon2 verification) are spread over the ramp-up, as a shift starts.
        began = time.monotonic()
        deadline = began + args.ramp + args.seconds
        threads = [
            threading.Thread(
                target=virtual_user,
                args=(
                    index,
                    base,
                    began + index * args.ramp / args.users,
                    deadline,
                    ids,
                    codes,
                    results,
                ),
            )
            for index in range(args.users)
        ]
        threads.append(threading.Thread(target=baseline, args=(base, deadline, results)))
        print(f"Running {args.users} users for {args.seconds} s after a {args.ramp} s ramp-up…")
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu = sampler.stop()
        # The virtual users' own CPU: on the same machine, it competes with the server.
        cpu["client"] = time.process_time() - client_cpu
        with psycopg.connect(url.replace("postgres://", "postgresql://")) as connection:
            stored = connection.execute(
                "SELECT count(*), count(DISTINCT client_key) FROM encounters_encounter "
                "WHERE client_key = ANY(%s)",
                [[uuid.UUID(key) for key in results.saved_keys]],
            ).fetchone()
            after = connection.execute(
                "SELECT count(*) FROM audit_auditevent WHERE action = 'submit'"
            ).fetchone()[0]
        chain = subprocess.run(
            [str(BIN / "coresponse"), "audit", "verify"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        report(results, stored, after - before, args, cpu, chain)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def load_ids(connection: psycopg.Connection) -> tuple[dict[str, list[int]], dict[str, int]]:
    department = connection.execute(
        "SELECT id FROM programs_department WHERE slug = 'ashford'"
    ).fetchone()[0]
    program = connection.execute(
        "SELECT id FROM programs_program WHERE slug = 'ashford'"
    ).fetchone()[0]
    problem = connection.execute(
        "SELECT id FROM common_code WHERE code_list = 'presenting_problem' AND key = 'psychosis'"
    ).fetchone()[0]
    people = [
        row[0]
        for row in connection.execute(
            "SELECT person_id FROM people_persondepartment WHERE department_id = %s LIMIT 2000",
            [department],
        )
    ]
    encounters = [
        row[0]
        for row in connection.execute(
            "SELECT id FROM encounters_encounter WHERE department_id = %s LIMIT 2000", [department]
        )
    ]
    return (
        {"people": people, "encounters": encounters},
        {"department": department, "program": program, "problem": problem},
    )


def wait_until_up(base: str) -> None:
    for _ in range(60):
        try:
            if requests.get(f"{base}/accounts/login/", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not start")


def report(
    results: Results,
    stored: tuple[int, int],
    audited: int,
    args: argparse.Namespace,
    cpu: dict[str, float],
    chain: subprocess.CompletedProcess[str],
) -> None:
    base_p95 = p95(results.latencies["baseline"])
    print(
        f"\n{'requests':<10} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p95 ÷ baseline':>15}"
        f" {'target':>8}"
    )
    for kind, target in (("baseline", None), ("read", 300), ("save", 500)):
        values = results.latencies.get(kind, [])
        if not values:
            print(f"{kind:<10} {0:>7}")
            continue
        print(
            f"{kind:<10} {len(values):>7} {statistics.median(values) * 1000:>8.1f} "
            f"{p95(values) * 1000:>8.1f} {p95(values) / base_p95:>15.2f} "
            f"{'' if target is None else f'< {target}':>8}"
        )
    # Every request the server answered: the timed ones, each save's form, and about five per
    # log-in (the page, the password, the code page, the code, the home page).
    served = sum(len(values) for values in results.latencies.values())
    served += len(results.latencies.get("save", [])) + 5 * args.users
    elapsed = args.ramp + args.seconds
    print(
        f"\nserver CPU: gunicorn {cpu['gunicorn']:.1f} s, PostgreSQL {cpu['postgres']:.1f} s "
        f"in {elapsed} s ({(cpu['gunicorn'] + cpu['postgres']) / elapsed:.2f} cores); "
        f"{served} requests: {cpu['gunicorn'] / served * 1000:.1f} + "
        f"{cpu['postgres'] / served * 1000:.1f} ms a request; the virtual users' client on "
        f"the same machine {cpu['client']:.1f} s ({cpu['client'] / elapsed:.2f} cores)"
    )
    saves = len(results.saved_keys)
    print(
        f"\nerrors: {len(results.errors)}"
        + (f" (first: {results.errors[:3]})" if results.errors else "")
    )
    print(
        f"acknowledged saves: {saves}; stored: {stored[0]} rows, {stored[1]} distinct keys; "
        f"submit audit events: {audited}"
    )
    print(f"audit chain: {(chain.stdout + chain.stderr).strip().splitlines()[-1]}")
    ok = (
        chain.returncode == 0
        and not results.errors
        and stored[0] == stored[1] == saves == audited
        and p95(results.latencies.get("read", [0.0])) < 0.3
        and p95(results.latencies.get("save", [0.0])) < 0.5
    )
    print(
        "RESULT:",
        "targets met" if ok else "targets NOT met",
        f"({args.users} users, {args.seconds} s, {args.workers} workers × {args.threads} threads,"
        f" keep-alive {args.keep_alive} s)",
    )


if __name__ == "__main__":
    main()
