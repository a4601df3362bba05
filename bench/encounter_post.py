"""The encounter the benchmarks' virtual clinicians record (load, request_cost, crash_safety):
an unidentified person, one presenting problem, the form's fields as a browser posts them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# The server reads form times in the organization's zone, not this machine's.
SERVER_ZONE = ZoneInfo("America/New_York")
CLIENT_KEY = re.compile(r'name="client_key" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def local_hour_ago() -> str:
    """An hour ago, as the form's date-time field takes it."""
    return (datetime.now(SERVER_ZONE) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def unidentified_encounter(
    *, client_key: str, codes: dict[str, int], **fields: object
) -> dict[str, object]:
    """The posted fields of a submitted encounter; `codes` holds the program, department and
    presenting problem ids, `fields` replaces any default (e.g. the CSRF token, the sex)."""
    return {
        "client_key": client_key,
        "action": "submit",
        "program": codes["program"],
        "department": codes["department"],
        "occurred_at": local_hour_ago(),
        "person_mode": "unidentified",
        "age_band": "25_34",
        "sex": "female",
        "race": "unknown",
        "ethnicity": "unknown",
        "veteran_status": "unknown",
        "new_sex": "unknown",
        "presenting_problems": codes["problem"],
        "charge_severity": "none",
        "arrest_outcome": "not_applicable",
        "ed_outcome": "ed_diverted",
        **fields,
    }
