"""Dispatch-call measures against a small hand-counted set of calls."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from coresponse.dispatch.models import DispatchCall
from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import EncounterFactory
from coresponse.people.tests.factories import person_in
from coresponse.reporting.measures import calls
from coresponse.reporting.measures.types import Selection

EASTERN = ZoneInfo("America/New_York")


def _call(department, number: str, received: datetime.datetime, *, mh=True, address=""):  # type: ignore[no-untyped-def]
    return DispatchCall.objects.create(
        organization=department.organization,
        department=department,
        incident_number=number,
        received_at=received,
        is_mental_health=mh,
        address=address,
    )


def _at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=EASTERN)


def _selection(world, start, end) -> Selection:  # type: ignore[no-untyped-def]
    return Selection(department_ids=frozenset({world.ashford.pk}), start=start, end=end)


@pytest.fixture
def ashford_calls(world):  # type: ignore[no-untyped-def]
    # 2020: three MH calls (one at 23:30 local on Dec 31, which is already 2021 in UTC);
    # 2021: five MH calls and one non-MH call; a Dover call never counts for Ashford.
    _call(world.ashford, "20-1", _at(2020, 3, 1), address="12 Prospect Street")
    _call(world.ashford, "20-2", _at(2020, 6, 1), address="12 prospect st.")
    _call(world.ashford, "20-3", _at(2020, 12, 31, 23), address="4 Elm Rd")
    _call(world.ashford, "21-1", _at(2021, 1, 1, 0), address="12 Prospect St")
    _call(world.ashford, "21-2", _at(2021, 2, 1), address="4 Elm Road")
    _call(world.ashford, "21-3", _at(2021, 3, 1), address="4 ELM RD")
    _call(world.ashford, "21-4", _at(2021, 4, 1), address="")
    _call(world.ashford, "21-5", _at(2021, 5, 1), address="9 Oak Ave Apt 2")
    _call(world.ashford, "21-6", _at(2021, 6, 1), mh=False, address="4 Elm Rd")
    _call(world.dover, "21-1", _at(2021, 7, 1), address="4 Elm Rd")


def test_mental_health_calls_counts_local_days_of_the_period(world, ashford_calls) -> None:
    year_2020 = _selection(world, datetime.date(2020, 1, 1), datetime.date(2021, 1, 1))
    year_2021 = _selection(world, datetime.date(2021, 1, 1), datetime.date(2022, 1, 1))
    assert calls.mental_health_calls(year_2020) == 3
    assert calls.mental_health_calls(year_2021) == 5


def test_change_compares_with_the_previous_period_of_equal_length(world, ashford_calls) -> None:
    change = calls.mental_health_call_change(
        _selection(world, datetime.date(2021, 1, 1), datetime.date(2022, 1, 1))
    )
    assert (change.current, change.previous) == (5, 3)
    assert change.previous_start == datetime.date(2020, 1, 1)
    assert change.previous_end == datetime.date(2021, 1, 1)
    assert change.value == pytest.approx(2 / 3)
    assert change.as_dict() == {
        "current": 5,
        "previous": 3,
        "previous_start": "2020-01-01",
        "previous_end": "2021-01-01",
        "value": pytest.approx(2 / 3),
    }


def test_change_is_none_when_the_previous_period_had_no_calls(world, ashford_calls) -> None:
    change = calls.mental_health_call_change(
        _selection(world, datetime.date(2020, 1, 1), datetime.date(2021, 1, 1))
    )
    assert (change.current, change.previous, change.value) == (3, 0, None)


def test_previous_period_of_five_years_is_the_five_years_before() -> None:
    selection = Selection(
        department_ids=frozenset({1}),
        start=datetime.date(2017, 1, 1),
        end=datetime.date(2022, 1, 1),
    )
    previous = selection.previous()
    assert (previous.start, previous.end) == (datetime.date(2012, 1, 1), datetime.date(2017, 1, 1))


def test_previous_period_of_days_shifts_by_days() -> None:
    selection = Selection(
        department_ids=frozenset({1}),
        start=datetime.date(2021, 3, 10),
        end=datetime.date(2021, 3, 20),
    )
    previous = selection.previous()
    assert (previous.start, previous.end) == (
        datetime.date(2021, 2, 28),
        datetime.date(2021, 3, 10),
    )


def test_repeat_calls_by_address_normalises_addresses(world, ashford_calls) -> None:
    selection = _selection(world, datetime.date(2020, 1, 1), datetime.date(2022, 1, 1))
    assert calls.calls_by_address(selection) == [
        calls.AddressCalls(address="12 PROSPECT ST", calls=3),
        calls.AddressCalls(address="4 ELM RD", calls=3),
    ]
    assert calls.repeat_call_addresses(selection).as_dict() == {
        "count": 2,
        "calls": 6,
        "minimum": 2,
    }
    everything = calls.repeat_call_addresses(selection, mental_health_only=False)
    assert (everything.places, everything.calls) == (2, 7)


def test_repeat_calls_by_person_links_through_incident_numbers(world, ashford_calls) -> None:
    kathy = person_in(world.ashford)
    omar = person_in(world.ashford)
    program = world.ashford_program
    for number in ("20-1", "21-1", "21-2"):
        EncounterFactory(
            department=world.ashford, program=program, person=kathy, cad_incident_number=number
        )
    # Two encounters of one incident are one call; a draft links nothing.
    EncounterFactory(
        department=world.ashford, program=program, person=kathy, cad_incident_number="21-2"
    )
    EncounterFactory(
        department=world.ashford,
        program=program,
        person=omar,
        cad_incident_number="21-3",
        status=Encounter.Status.DRAFT,
    )
    EncounterFactory(
        department=world.ashford, program=program, person=omar, cad_incident_number="21-5"
    )
    selection = _selection(world, datetime.date(2021, 1, 1), datetime.date(2022, 1, 1))
    assert calls.calls_by_person(selection) == [calls.PersonCalls(person_id=kathy.pk, calls=2)]
    assert calls.calls_by_person(selection, minimum=1) == [
        calls.PersonCalls(person_id=kathy.pk, calls=2),
        calls.PersonCalls(person_id=omar.pk, calls=1),
    ]
    assert calls.repeat_call_people(selection).as_dict() == {"count": 1, "calls": 2, "minimum": 2}


def test_calls_link_to_people_within_their_own_department_and_local_days(
    world, ashford_calls
) -> None:
    kathy = person_in(world.ashford)
    omar = person_in(world.dover)
    for department, program, person, number in (
        (world.ashford, world.ashford_program, kathy, "21-1"),  # Ashford's call of 1 January
        (world.ashford, world.ashford_program, kathy, "20-3"),  # 31 December 2020, local
        (world.ashford, world.ashford_program, kathy, "21-6"),  # not a mental-health call
        (world.dover, world.regional_program, omar, "21-1"),  # Dover's call of 1 July
        (world.dover, world.regional_program, omar, "21-2"),  # Dover has no call 21-2
    ):
        EncounterFactory(
            department=department, program=program, person=person, cad_incident_number=number
        )
    both = Selection(
        department_ids=frozenset({world.ashford.pk, world.dover.pk}),
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2022, 1, 1),
    )
    assert calls.calls_by_person(both, minimum=1) == [
        calls.PersonCalls(person_id=kathy.pk, calls=1),
        calls.PersonCalls(person_id=omar.pk, calls=1),
    ]
    assert calls.calls_by_person(both, minimum=1, mental_health_only=False) == [
        calls.PersonCalls(person_id=kathy.pk, calls=2),
        calls.PersonCalls(person_id=omar.pk, calls=1),
    ]
    # The evening of 31 December 2020 (local) is 2020's, though already 2021 in UTC.
    year_2020 = _selection(world, datetime.date(2020, 1, 1), datetime.date(2021, 1, 1))
    assert calls.calls_by_person(year_2020, minimum=1) == [
        calls.PersonCalls(person_id=kathy.pk, calls=1)
    ]
    dover_only = Selection(
        department_ids=frozenset({world.dover.pk}),
        start=datetime.date(2021, 1, 1),
        end=datetime.date(2022, 1, 1),
    )
    assert calls.calls_by_person(dover_only, minimum=1) == [
        calls.PersonCalls(person_id=omar.pk, calls=1)
    ]


def test_no_departments_count_nothing(world, ashford_calls) -> None:
    selection = Selection(
        department_ids=frozenset(), start=datetime.date(2020, 1, 1), end=datetime.date(2022, 1, 1)
    )
    assert calls.mental_health_calls(selection) == 0
    assert calls.calls_by_address(selection) == []
    assert calls.calls_by_person(selection) == []
