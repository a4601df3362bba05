"""Run pip-audit and say plainly what it could and could not check.

From machines without access to a vulnerability database (PyPI's JSON API and OSV are not
reachable from this project's build machines), pip-audit reports every dependency as
"could not be audited" and still prints "No known vulnerabilities found". This wrapper
fails on any known vulnerability, and otherwise states how many dependencies were really
audited. Unaudited dependencies are waived with the reason printed here and in the
README (Security, "Dependency and code scanning"); run `make lint` on a connected machine
for a real audit.
"""

from __future__ import annotations

import json
import subprocess  # nosec B404 - runs the pip-audit tool of this virtualenv
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main() -> int:
    completed = subprocess.run(  # noqa: S603  # nosec B603 - fixed arguments, no shell
        [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError:
        print(completed.stderr or completed.stdout)
        print("pip-audit: no report produced.")
        return 1
    dependencies = report.get("dependencies", [])
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    unaudited = [
        dep for dep in dependencies if "could not be audited" in dep.get("skip_reason", "")
    ]
    audited = [dep for dep in dependencies if "skip_reason" not in dep]
    for dep in vulnerable:
        ids = ", ".join(vuln["id"] for vuln in dep["vulns"])
        print(f"VULNERABLE: {dep['name']} {dep.get('version', '')}: {ids}")
    print(
        f"pip-audit: {len(audited)} dependencies audited, {len(vulnerable)} vulnerable, "
        f"{len(unaudited)} NOT audited."
    )
    if unaudited:
        print(
            "WAIVED: no vulnerability database is reachable from this machine (only the "
            "package registries are), so these dependencies were not checked. Versions are "
            "pinned in pyproject.toml; audit them on a connected machine (make lint) before "
            "a release. See README, Security, 'Dependency and code scanning'."
        )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
