"""Rollups kept on every write equal a fresh rebuild and the raw definitions."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in
from coresponse.reporting.facts import COUNTED_STATUSES
from coresponse.reporting.measures.figures import figures_by_period
from coresponse.reporting.measures.periods import Granularity, split_period
from coresponse.reporting.models import DistinctCell, EncounterFact, MeasureCell
from coresponse.reporting.rollups import encounters_changed, rebuild_rollups
from coresponse.reporting.tests.helpers import EASTERN, at, selection

START, END = datetime.date(2024, 1, 1), datetime.date(2024, 7, 1)


def _snapshot() -> tuple[set, set, set]:  # type: ignore[type-arg]
    cells = {
        tuple(row)
        for row in MeasureCell.objects.values_list(
            "scope",
            "scope_id",
            "month",
            "dimension",
            "value",
            "encounters",
            "criminal",
            "diverted",
            "resolved",
            "identified",
        )
    }
    chains = set(
        DistinctCell.objects.values_list(
            "scope", "scope_id", "chain", "month", "previous_month", "encounters"
        )
    )
    facts = set(
        EncounterFact.objects.values_list(
            "encounter_id", "person_id", "day", "is_diverted", "problems"
        )
    )
    return cells, chains, facts


def _raw_monthly(departments, program=None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The definitions computed straight from encounter rows, month by month."""
    encounters = Encounter.objects.filter(
        department__in=departments, status__in=COUNTED_STATUSES
    ).order_by("occurred_at", "id")
    if program is not None:
        encounters = encounters.filter(program=program)
    rows = [
        (
            e.occurred_at.astimezone(EASTERN).date(),
            e.person_id,
            e.has_criminal_conduct,
            e.arrest_outcome,
        )
        for e in encounters
    ]
    result: dict = defaultdict(
        lambda: {"encounters": 0, "diverted": 0, "people": set(), "repeat_30": set()}
    )  # type: ignore[type-arg]
    last_seen: dict[int, datetime.date] = {}
    for day, person_id, criminal, outcome in sorted(rows, key=lambda row: row[0]):
        month = result[(day.year, day.month)]
        month["encounters"] += 1
        month["diverted"] += int(criminal and outcome == "arrest_diverted")
        if person_id is not None:
            month["people"].add(person_id)
            if person_id in last_seen and (day - last_seen[person_id]).days <= 30:
                month["repeat_30"].add(person_id)
            last_seen[person_id] = day
    return result


def _app_monthly(departments, program=None) -> dict:  # type: ignore[no-untyped-def,type-arg]
    chosen = selection(departments, START, END, programs=[program] if program else [])
    periods = split_period(START, END, Granularity.MONTH)
    return {
        (period.start.year, period.start.month): figures
        for period, figures in zip(periods, figures_by_period(chosen, periods), strict=True)
    }


operation = st.tuples(
    st.sampled_from(["create", "create", "create", "amend", "delete"]),
    st.integers(0, 10_000),
    st.integers(0, 180),
    st.sampled_from(["ashford", "dover", "easton"]),
    st.integers(0, 4),
    st.booleans(),
    st.sampled_from(["submitted", "locked", "draft"]),
)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(operation, min_size=1, max_size=14))
def test_rollups_equal_a_rebuild_and_the_raw_definitions(world, operations) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        people = [person_in(world.ashford) for _ in range(4)]
        program_of = {
            "ashford": world.ashford_program,
            "dover": world.regional_program,
            "easton": world.regional_program,
        }
        made: list[Encounter] = []
        for action, pick, day_offset, town, person_index, diverted, status in operations:
            day = START + datetime.timedelta(days=day_offset)
            when = at(day.year, day.month, day.day, 23 if pick % 2 else 9)
            person = people[person_index] if person_index < len(people) else None
            if action == "create" or not made:
                department = getattr(world, town)
                encounter = encounter_with(
                    department=department,
                    program=program_of[town],
                    person=person,
                    occurred_at=when,
                    status=status,
                    has_criminal_conduct=diverted or pick % 3 == 0,
                    arrest_outcome="arrest_diverted" if diverted else "not_applicable",
                    problems=["psychosis"] if pick % 2 else ["psychosis", "anxiety_panic"],
                    dispositions=["resolved_on_scene"] if pick % 5 == 0 else [],
                )
                made.append(encounter)
                encounters_changed([encounter.pk])
            elif action == "amend":
                encounter = made[pick % len(made)]
                encounter.occurred_at = when
                encounter.person = person
                encounter.status = status
                encounter.has_criminal_conduct = True
                encounter.arrest_outcome = "arrest_diverted" if diverted else "arrested"
                encounter.save()
                encounter.presenting_problems.set([])
                encounters_changed([encounter.pk])
            else:
                encounter = made.pop(pick % len(made))
                encounter_id = encounter.pk
                encounter.delete()
                encounters_changed([encounter_id])
        kept = _snapshot()
        for departments, program in (
            ([world.ashford], None),
            ([world.easton], None),
            ([world.dover, world.easton], world.regional_program),
            ([world.ashford, world.dover, world.easton], None),
        ):
            raw, app = _raw_monthly(departments, program), _app_monthly(departments, program)
            for month, figures in app.items():
                expected = raw.get(
                    month, {"encounters": 0, "diverted": 0, "people": set(), "repeat_30": set()}
                )
                assert figures.counts.encounters == expected["encounters"], month
                assert figures.counts.diverted == expected["diverted"], month
                assert figures.people.people == len(expected["people"]), month
                assert figures.people.repeat_30 == len(expected["repeat_30"]), month
        rebuild_rollups()
        assert _snapshot() == kept
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_merging_two_records_of_one_person_counts_them_once(world) -> None:  # type: ignore[no-untyped-def]
    from coresponse.people.merging import person_merge, person_unmerge
    from coresponse.reporting.measures.figures import figures_of

    anna, again = person_in(world.ashford), person_in(world.ashford)
    for person, day in ((anna, 3), (again, 20)):
        encounter_with(
            department=world.ashford,
            program=world.ashford_program,
            person=person,
            occurred_at=at(2024, 1, day),
        )
    rebuild_rollups()
    january = selection([world.ashford], START, datetime.date(2024, 2, 1))
    assert figures_of(january).people.people == 2
    merge = person_merge(actor=world.supervisor, survivor=anna, merged=again, reason="Same DOB")
    assert figures_of(january).people.people == 1
    assert figures_of(january).people.repeat_30 == 1
    person_unmerge(actor=world.supervisor, merge=merge)
    assert figures_of(january).people.people == 2
