"""Every encounter measure against a small hand-counted data set."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from coresponse.reporting.measures.figures import breakdown_counts, figures_by_period, figures_of
from coresponse.reporting.measures.periods import Granularity, Period, split_period
from coresponse.reporting.measures.registry import MEASURES
from coresponse.reporting.models import ProgramUnitCost
from coresponse.reporting.rollups import encounters_changed, rebuild_rollups
from coresponse.reporting.tests.helpers import hand_counted, selection

JAN, FEB, MAR, APR = (datetime.date(2024, month, 1) for month in (1, 2, 3, 4))


def _values(figures, *names):  # type: ignore[no-untyped-def]
    result = {}
    for name in names:
        value = MEASURES[name].function(figures)
        result[name] = value.as_dict() if hasattr(value, "as_dict") else value
    return result


def _rate(numerator: int, denominator: int) -> dict:  # type: ignore[type-arg]
    return {
        "numerator": numerator,
        "denominator": denominator,
        "value": None if denominator == 0 else numerator / denominator,
    }


@pytest.fixture
def counted(world):  # type: ignore[no-untyped-def]
    made = hand_counted(world)
    rebuild_rollups()
    return made


def _ashford_by_month(world):  # type: ignore[no-untyped-def]
    periods = split_period(JAN, datetime.date(2024, 5, 1), Granularity.MONTH)
    return figures_by_period(selection([world.ashford], JAN, datetime.date(2024, 5, 1)), periods)


COUNTS = [
    "encounters",
    "distinct_people",
    "arrests",
    "repeat_people_30d",
    "repeat_people_90d",
    "repeat_people_365d",
]


def test_monthly_counts_of_a_department(world, counted) -> None:
    january, february, march, april = _ashford_by_month(world)
    assert _values(january, *COUNTS) == {
        "encounters": 2,
        "distinct_people": 2,
        "arrests": 0,
        "repeat_people_30d": 0,
        "repeat_people_90d": 0,
        "repeat_people_365d": 0,
    }
    assert _values(february, *COUNTS) == {
        "encounters": 2,
        "distinct_people": 1,
        "arrests": 2,
        "repeat_people_30d": 1,
        "repeat_people_90d": 1,
        "repeat_people_365d": 1,
    }
    assert _values(march, *COUNTS) == {
        "encounters": 1,
        "distinct_people": 1,
        "arrests": 0,
        "repeat_people_30d": 0,
        "repeat_people_90d": 1,
        "repeat_people_365d": 1,
    }
    assert _values(april, *COUNTS) == dict.fromkeys(COUNTS, 0)


def test_monthly_rates_of_a_department(world, counted) -> None:
    january, february, _march, april = _ashford_by_month(world)
    assert _values(
        january,
        "arrest_diversion_rate",
        "arrest_diversion_rate_eligible",
        "ed_diversion_rate",
        "involuntary_hold_rate",
        "use_of_force_rate",
        "resolved_on_scene_rate",
        "officer_time",
        "clinician_time",
    ) == {
        "arrest_diversion_rate": _rate(1, 1),
        "arrest_diversion_rate_eligible": _rate(1, 1),
        "ed_diversion_rate": _rate(1, 2),
        "involuntary_hold_rate": _rate(1, 2),
        "use_of_force_rate": _rate(1, 2),
        # Two disposition rows on e1 still make one resolved encounter.
        "resolved_on_scene_rate": _rate(1, 2),
        "officer_time": _rate(30, 1),
        "clinician_time": _rate(45, 1),
    }
    # February: the mandatory-arrest encounter is in the rate but not in the eligible rate.
    assert _values(february, "arrest_diversion_rate", "arrest_diversion_rate_eligible") == {
        "arrest_diversion_rate": _rate(0, 2),
        "arrest_diversion_rate_eligible": _rate(0, 1),
    }
    assert _values(february, "encounters_per_person") == {"encounters_per_person": _rate(1, 1)}
    # No encounter at all: every rate has a zero denominator and no value.
    assert _values(april, "arrest_diversion_rate", "ed_diversion_rate", "officer_time") == {
        "arrest_diversion_rate": _rate(0, 0),
        "ed_diversion_rate": _rate(0, 0),
        "officer_time": _rate(0, 0),
    }


def test_a_quarter_counts_people_once_across_its_months(world, counted) -> None:
    quarter = figures_of(selection([world.ashford], JAN, APR))
    assert _values(
        quarter,
        "encounters",
        "distinct_people",
        "encounters_per_person",
        "arrest_diversion_rate",
        "arrest_diversion_rate_per_person",
        "arrest_diversion_rate_eligible",
        "ed_diversion_rate",
        "repeat_people_30d",
        "repeat_people_90d",
    ) == {
        "encounters": 5,
        "distinct_people": 2,
        "encounters_per_person": _rate(4, 2),
        "arrest_diversion_rate": _rate(2, 4),
        "arrest_diversion_rate_per_person": _rate(2, 2),
        "arrest_diversion_rate_eligible": _rate(2, 3),
        "ed_diversion_rate": _rate(2, 3),
        "repeat_people_30d": 1,
        "repeat_people_90d": 2,
    }


def test_cost_avoided_values_diversions_at_the_unit_costs_in_force(world, counted) -> None:
    program = world.ashford_program
    ProgramUnitCost.objects.create(
        program=program,
        kind="arrest_diversion",
        amount=Decimal("2520"),
        effective_from=datetime.date(2019, 1, 1),
        source="Franklin/Medway 2019",
    )
    ProgramUnitCost.objects.create(
        program=program,
        kind="ed_diversion",
        amount=Decimal("4000"),
        effective_from=datetime.date(2019, 1, 1),
        source="Franklin/Medway 2019",
    )
    # A newer ED figure from March: March has no ED diversion, so it changes nothing.
    ProgramUnitCost.objects.create(
        program=program,
        kind="ed_diversion",
        amount=Decimal("4500"),
        effective_from=datetime.date(2024, 3, 1),
        source="State report 2024",
    )
    cost = MEASURES["cost_avoided"].function(figures_of(selection([world.ashford], JAN, APR)))
    assert (cost.arrest, cost.ed, cost.total) == (Decimal(5040), Decimal(8000), Decimal(13040))
    assert [(item.kind, item.amount, item.source) for item in cost.unit_costs] == [
        ("Arrest diversion", Decimal(2520), "Franklin/Medway 2019"),
        ("ED diversion", Decimal(4000), "Franklin/Medway 2019"),
    ]
    assert cost.unvalued_diversions == 0
    regional = MEASURES["cost_avoided"].function(
        figures_of(selection([world.dover, world.easton], JAN, APR))
    )
    assert (regional.total, regional.unvalued_diversions) == (Decimal(0), 0)


def test_a_regional_program_counts_people_across_its_towns(world, counted) -> None:
    towns = [world.dover, world.easton]
    program = selection(towns, JAN, MAR, programs=[world.regional_program])
    _january, february = figures_by_period(program, split_period(JAN, MAR, Granularity.MONTH))
    assert _values(february, "encounters", "distinct_people", "repeat_people_30d") == {
        "encounters": 1,
        "distinct_people": 1,
        "repeat_people_30d": 1,
    }
    assert _values(figures_of(program), "encounters", "distinct_people") == {
        "encounters": 2,
        "distinct_people": 1,
    }
    # In Easton alone, February is the person's first contact.
    easton = figures_of(selection([world.easton], FEB, MAR))
    assert _values(easton, "repeat_people_30d", "distinct_people") == {
        "repeat_people_30d": 0,
        "distinct_people": 1,
    }
    split = breakdown_counts(program, "department")
    assert {int(key): counts.encounters for key, counts in split.items()} == {
        world.dover.pk: 1,
        world.easton.pk: 1,
    }


def test_periods_that_are_not_whole_months_are_counted_from_the_facts(world, counted) -> None:
    # 10 January to 15 March inclusive: every counted Ashford encounter of the quarter.
    partial = figures_of(
        selection([world.ashford], datetime.date(2024, 1, 10), datetime.date(2024, 3, 16))
    )
    assert _values(partial, "encounters", "distinct_people", "repeat_people_90d") == {
        "encounters": 5,
        "distinct_people": 2,
        "repeat_people_90d": 2,
    }
    later = figures_of(
        selection([world.ashford], datetime.date(2024, 1, 11), datetime.date(2024, 3, 15))
    )
    assert _values(later, "encounters", "distinct_people") == {
        "encounters": 3,
        "distinct_people": 2,
    }


def test_an_amended_encounter_counts_as_its_current_version(world, counted) -> None:
    amended = counted["e6"]
    amended.arrest_outcome = "arrested"
    amended.version += 1
    amended.save()
    encounters_changed([amended.pk])
    march = figures_of(selection([world.ashford], MAR, APR))
    assert _values(march, "arrest_diversion_rate", "arrests") == {
        "arrest_diversion_rate": _rate(0, 1),
        "arrests": 1,
    }


def test_breakdowns_by_demographics_and_problems(world, counted) -> None:
    quarter = selection([world.ashford], JAN, APR)
    by_sex = {key: counts.encounters for key, counts in breakdown_counts(quarter, "sex").items()}
    assert by_sex == {"male": 1, "unknown": 4}
    by_problem = {
        key: counts.encounters for key, counts in breakdown_counts(quarter, "problem").items()
    }
    assert by_problem == {
        "suicidal_ideation": 2,
        "depression_mood": 1,
        "intoxication": 1,
        "psychosis": 1,
    }


def test_fact_path_and_rollup_path_agree(world, counted) -> None:
    """The same selection counted from rollups (whole months) and facts (split days)."""
    rollup = figures_of(selection([world.ashford], JAN, APR))
    # Two departments that are not one program or organization: always the fact path.
    custom = figures_of(selection([world.ashford, world.dover], JAN, APR))
    assert custom.counts.encounters == rollup.counts.encounters + 1
    assert custom.people.people == rollup.people.people + 1


def test_period_labels() -> None:
    assert Period(JAN, FEB).label == "Jan 2024"
    assert Period(JAN, APR).label == "Q1 2024"
    assert Period(datetime.date(2017, 1, 1), datetime.date(2022, 1, 1)).label == "2017–2021"
    assert split_period(
        datetime.date(2024, 2, 15), datetime.date(2024, 8, 1), Granularity.QUARTER
    ) == [
        Period(datetime.date(2024, 2, 15), APR),
        Period(APR, datetime.date(2024, 7, 1)),
        Period(datetime.date(2024, 7, 1), datetime.date(2024, 8, 1)),
    ]
