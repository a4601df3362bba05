"""The Safe Harbor extract: encounter rows with every identifier and date element removed."""

from __future__ import annotations

import csv
import io
import random

import pytest
from django.test import Client
from django.urls import reverse

from coresponse.audit.models import AuditEvent
from coresponse.common.choices import AgeBand
from coresponse.common.testing import log_in
from coresponse.encounters.tests.factories import encounter_with
from coresponse.people.tests.factories import person_in
from coresponse.reporting.extract import COLUMNS, ExtractRefused, safe_harbor_extract
from coresponse.reporting.rollups import rebuild_rollups
from coresponse.reporting.scopes import Kind, report_scope
from coresponse.reporting.tests.helpers import at, hand_counted

pytestmark = pytest.mark.django_db


@pytest.fixture
def twelve_people(world):  # type: ignore[no-untyped-def]
    """Twelve people met in Ashford in 2024, the first three times; one aged 94 then."""
    people = [
        person_in(world.ashford, first_name=f"Zelda{index}", last_name="Quinterro", birth_year=1990)
        for index in range(12)
    ]
    people[11].birth_year = 1930
    people[11].save()
    for visit in range(3):
        encounter_with(
            department=world.ashford,
            program=world.ashford_program,
            person=people[0],
            occurred_at=at(2024, 3 + visit, 14),
            has_criminal_conduct=True,
            charge_severity="misdemeanor",
            arrest_outcome="arrest_diverted",
            problems=["psychosis", "depression_mood"],
            cad_incident_number="INC-24-000777",
        )
    for person in people[1:]:
        encounter_with(
            department=world.ashford,
            program=world.ashford_program,
            person=person,
            occurred_at=at(2024, 7, 2),
            age_band=AgeBand.AGE_75_PLUS if person.birth_year == 1930 else AgeBand.AGE_25_34,
        )
    # Another year and a draft: neither is in the 2024 extract.
    encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=people[1],
        occurred_at=at(2023, 12, 31),
    )
    encounter_with(
        department=world.ashford,
        program=world.ashford_program,
        person=people[2],
        occurred_at=at(2024, 8, 1),
        status="draft",
    )
    rebuild_rollups()
    return people


def _program_scope(world, user):  # type: ignore[no-untyped-def]
    return report_scope(user, Kind.PROGRAM, world.ashford_program.pk)


def test_one_row_per_counted_encounter_of_the_year_with_only_safe_harbor_fields(
    world, twelve_people
):
    found = safe_harbor_extract(_program_scope(world, world.analyst), 2024, rng=random.Random(7))
    assert (found.year, found.people, len(found.rows)) == (2024, 12, 14)
    rows = list(csv.DictReader(io.StringIO(found.csv())))
    assert tuple(rows[0]) == COLUMNS
    assert {row["year"] for row in rows} == {"2024"}
    # People are codes P0001…P0012; the person met three times has three rows under one code.
    codes = [row["person"] for row in rows]
    assert sorted(set(codes)) == [f"P{index:04d}" for index in range(1, 13)]
    assert sorted(codes.count(code) for code in set(codes)) == [1] * 11 + [3]
    repeated = [row for row in rows if codes.count(row["person"]) == 3]
    assert {row["presenting_problems"] for row in repeated} == {"depression_mood;psychosis"}
    assert {row["diverted_from_arrest"] for row in repeated} == {"yes"}
    # The person born in 1930 (94 in 2024) is in the top band: no age over 89 shows.
    assert [row["age_band"] for row in rows].count("75_plus") == 1
    text = found.csv()
    for identifying in ("Zelda", "Quinterro", "Ashford", "INC-24", "2024-", "1930", "1990"):
        assert identifying not in text


def test_codes_and_order_are_drawn_anew_for_each_extract(world, twelve_people):
    scope = _program_scope(world, world.analyst)
    first = safe_harbor_extract(scope, 2024, rng=random.Random(1)).rows
    second = safe_harbor_extract(scope, 2024, rng=random.Random(2)).rows
    assert first != second
    assert sorted(row[1:] for row in first) == sorted(row[1:] for row in second)


def test_a_year_with_fewer_than_eleven_people_gives_no_extract(world):
    hand_counted(world)
    rebuild_rollups()
    with pytest.raises(ExtractRefused) as refused:
        safe_harbor_extract(_program_scope(world, world.analyst), 2024)
    assert str(refused.value) == (
        "Ashford Co-Response met fewer than 11 people in 2024: an extract this small could "
        "identify them, so none is given."
    )


def test_analyst_downloads_the_csv_and_the_export_is_audited(world, twelve_people):
    client = log_in(Client(), world.analyst)
    url = reverse("reporting:extract", kwargs={"pk": world.ashford_program.pk, "year": 2024})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="program-{world.ashford_program.pk}-2024-deidentified.csv"'
    )
    assert len(response.content.decode().splitlines()) == 15
    event = AuditEvent.objects.get(object_type="safe_harbor_extract")
    assert (event.actor_id, event.outcome, event.detail) == (
        world.analyst.pk,
        "success",
        {"year": 2024, "rows": 14, "people": 12},
    )


def test_a_refused_extract_says_why_and_is_audited(world):
    client = log_in(Client(), world.analyst)
    url = reverse("reporting:extract", kwargs={"pk": world.ashford_program.pk, "year": 2024})
    response = client.get(url)
    assert response.status_code == 200
    assert "met fewer than 11 people in 2024" in response.content.decode()
    assert AuditEvent.objects.get(object_type="safe_harbor_extract").outcome == "denied"


def test_people_without_the_program_get_nothing(world, twelve_people):
    url = reverse("reporting:extract", kwargs={"pk": world.ashford_program.pk, "year": 2024})
    for outsider in (
        world.liaison,
        world.officer,
        world.regional_clinician,
        world.foreign_clinician,
    ):
        assert log_in(Client(), outsider).get(url).status_code == 404
    future = reverse("reporting:extract", kwargs={"pk": world.ashford_program.pk, "year": 2999})
    assert log_in(Client(), world.analyst).get(future).status_code == 404
