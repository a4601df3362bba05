"""Measures of police calls for service (dispatch.DispatchCall): mental-health call volume,
its change against the previous period of equal length, and repeat calls by address and
by person.

A call counts in a period when its `received_at`, read in the selection's time zone, falls on
a day in [start, end). A call is a mental-health call when the department's identification
rules marked it (`DispatchCall.is_mental_health`).

The address and person lists name addresses and person ids: they are person-level and are
only for staff who may see the department's people (callers check access first). Analysts
and the public get the counts (`repeat_call_addresses`, `repeat_call_people`) only, small-cell
suppressed by the reporting layer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from coresponse.dispatch.models import DispatchCall
from coresponse.encounters.models import Encounter
from coresponse.reporting.measures.types import Change, Selection

COUNTED_ENCOUNTER_STATUSES = (Encounter.Status.SUBMITTED, Encounter.Status.LOCKED)

_SUFFIXES = {
    "STREET": "ST",
    "AVENUE": "AVE",
    "ROAD": "RD",
    "DRIVE": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "BOULEVARD": "BLVD",
    "TERRACE": "TER",
    "CIRCLE": "CIR",
    "HIGHWAY": "HWY",
    "PARKWAY": "PKWY",
    "APARTMENT": "APT",
    "UNIT": "APT",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
}


@dataclass(frozen=True)
class RepeatCalls:
    """Places (or people) with at least `minimum` calls, and how many calls they account for."""

    places: int
    calls: int
    minimum: int

    def as_dict(self) -> dict[str, int]:
        return {"count": self.places, "calls": self.calls, "minimum": self.minimum}


@dataclass(frozen=True)
class AddressCalls:
    address: str
    calls: int


@dataclass(frozen=True)
class PersonCalls:
    person_id: int
    calls: int


def normalize_address(address: str) -> str:
    """A comparable form of a CAD address: upper case, no punctuation, common abbreviations.

    Unit numbers stay: two flats of one building are two households.
    """
    words = re.sub(r"[^0-9A-Z#]+", " ", address.upper()).split()
    return " ".join(_SUFFIXES.get(word, word) for word in words)


def _calls(selection: Selection, *, mental_health_only: bool = True) -> QuerySet[DispatchCall]:
    calls = DispatchCall.objects.filter(
        department_id__in=selection.department_ids,
        received_at__gte=selection.start_at,
        received_at__lt=selection.end_at,
    )
    if mental_health_only:
        calls = calls.filter(is_mental_health=True)
    return calls


def mental_health_calls(selection: Selection) -> int:
    """Mental-health call volume.

    Count: dispatch calls of the selection's departments marked mental-health
    (`is_mental_health`). No denominator. Period: calls received on a local day in
    [start, end).
    """
    return _calls(selection).count()


def mental_health_call_change(selection: Selection) -> Change:
    """Mental-health call volume against the previous period of equal length.

    Current: `mental_health_calls` over [start, end). Previous: the same count over the period
    of equal length ending at `start` (whole months shift by months: 2017–2021 against
    2012–2016). Value: (current − previous) ÷ previous; none when previous is 0.
    """
    previous = selection.previous()
    return Change(
        current=mental_health_calls(selection),
        previous=mental_health_calls(previous),
        previous_start=previous.start,
        previous_end=previous.end,
    )


def calls_by_address(
    selection: Selection, *, minimum: int = 2, mental_health_only: bool = True
) -> list[AddressCalls]:
    """Addresses with at least `minimum` calls in the period, most calls first (person-level).

    Count per address: calls whose normalised address is the same (blank addresses are not
    counted). Period: calls received on a local day in [start, end).
    """
    counts = Counter(
        normalize_address(address)
        for address in _calls(selection, mental_health_only=mental_health_only).values_list(
            "address", flat=True
        )
    )
    counts.pop("", None)
    return [
        AddressCalls(address=address, calls=calls)
        for address, calls in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        if calls >= minimum
    ]


def repeat_call_addresses(
    selection: Selection, *, minimum: int = 2, mental_health_only: bool = True
) -> RepeatCalls:
    """Repeat calls by address.

    Count: addresses with at least `minimum` (default 2) mental-health calls in the period,
    and the calls at those addresses. Period: calls received on a local day in [start, end).
    """
    rows = calls_by_address(selection, minimum=minimum, mental_health_only=mental_health_only)
    return RepeatCalls(places=len(rows), calls=sum(row.calls for row in rows), minimum=minimum)


def calls_by_person(
    selection: Selection, *, minimum: int = 2, mental_health_only: bool = True
) -> list[PersonCalls]:
    """People linked to at least `minimum` calls in the period, most calls first (person-level).

    A call is linked to a person when a counted (submitted or locked) encounter of the same
    department carries the call's incident number and names the person. Count per person:
    distinct linked calls. Period: calls received on a local day in [start, end).
    """
    calls = _calls(selection, mental_health_only=mental_health_only)
    if not calls.exists():
        # Without calls there is nothing to link: spare the scan of every encounter.
        return []
    # Each encounter finds its call by (department, incident number), unique among calls,
    # through that unique index, then the call's period and kind are checked. Written so
    # that both databases take that path whatever their statistics: the ORM's correlated
    # subquery, with the period inside, was evaluated twice per encounter and planned badly
    # by PostgreSQL (seconds on the demo data before ANALYZE, JIT-compiled after); a plain
    # join was planned badly by SQLite (seconds: every call against every encounter of its
    # department).
    departments = sorted(selection.department_ids)
    if not departments:
        return []
    encounter, call = Encounter._meta.db_table, DispatchCall._meta.db_table
    mental_health = "AND c.is_mental_health" if mental_health_only else ""
    sql = (
        f"SELECT DISTINCT e.person_id, c.id FROM {encounter} e "  # noqa: S608  # nosec B608 - fixed names, values as parameters
        f"JOIN {call} c ON c.id = (SELECT linked.id FROM {call} linked "
        "WHERE linked.department_id = e.department_id "
        "AND linked.incident_number = e.cad_incident_number) "
        f"WHERE e.department_id IN ({', '.join(['%s'] * len(departments))}) "
        f"AND e.status IN (%s, %s) AND e.person_id IS NOT NULL AND e.cad_incident_number <> '' "
        f"AND c.received_at >= %s AND c.received_at < %s {mental_health}"
    )
    # As the ORM would pass them (SQLite keeps UTC text).
    start, end = (
        connection.ops.adapt_datetimefield_value(moment)
        for moment in (selection.start_at, selection.end_at)
    )
    params = [*departments, *COUNTED_ENCOUNTER_STATUSES, start, end]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        links = cursor.fetchall()
    calls_of_person: dict[int, set[int]] = {}
    for person_id, call_id in links:
        calls_of_person.setdefault(person_id, set()).add(call_id)
    rows = [
        PersonCalls(person_id=person_id, calls=len(call_ids))
        for person_id, call_ids in calls_of_person.items()
        if len(call_ids) >= minimum
    ]
    return sorted(rows, key=lambda row: (-row.calls, row.person_id))


def repeat_call_people(
    selection: Selection, *, minimum: int = 2, mental_health_only: bool = True
) -> RepeatCalls:
    """Repeat calls by person.

    Count: distinct people linked (through encounters' incident numbers) to at least `minimum`
    (default 2) mental-health calls in the period, and the calls linked to them. Period: calls
    received on a local day in [start, end).
    """
    rows = calls_by_person(selection, minimum=minimum, mental_health_only=mental_health_only)
    return RepeatCalls(places=len(rows), calls=sum(row.calls for row in rows), minimum=minimum)
