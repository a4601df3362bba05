"""The call pages: volume and change with its explanation, suppression, repeat calls, rules."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coresponse.audit.models import AuditEvent
from coresponse.common.testing import log_in
from coresponse.dispatch.models import DispatchCall, MentalHealthRule
from coresponse.dispatch.rules import FLAG_REASON
from coresponse.encounters.tests.factories import EncounterFactory
from coresponse.people.tests.factories import person_in

pytestmark = pytest.mark.django_db
EASTERN = ZoneInfo("America/New_York")
WELL_BEING = "Initial or final call type is “WELL BEING CHECK”"
# Mental-health calls per year: 16 in 2012–2016, 22 in 2017–2021 (+37.5 %).
PER_YEAR = {
    2012: 4,
    2013: 3,
    2014: 3,
    2015: 3,
    2016: 3,
    2017: 4,
    2018: 4,
    2019: 5,
    2020: 4,
    2021: 5,
}


@pytest.fixture
def ashford_calls(world):  # type: ignore[no-untyped-def]
    calls = []
    for year, count in PER_YEAR.items():
        for index in range(count):
            flagged = index == 0
            calls.append(
                DispatchCall(
                    organization=world.organization,
                    department=world.ashford,
                    incident_number=f"{year}-{index}",
                    received_at=datetime.datetime(year, 3, 1 + index, 12, tzinfo=EASTERN),
                    initial_call_type="MENTAL HEALTH" if flagged else "WELL BEING CHECK",
                    is_flagged_mental_health=flagged,
                    is_mental_health=True,
                    mental_health_reason=FLAG_REASON if flagged else WELL_BEING,
                    address="12 Prospect St" if index < 2 else f"{index} Elm St",
                )
            )
    # A call that is not mental-health related, and one of another town: never counted.
    calls.append(
        DispatchCall(
            organization=world.organization,
            department=world.ashford,
            incident_number="2019-x",
            received_at=datetime.datetime(2019, 6, 1, tzinfo=EASTERN),
            initial_call_type="ALARM",
        )
    )
    calls.append(
        DispatchCall(
            organization=world.organization,
            department=world.dover,
            incident_number="2019-0",
            received_at=datetime.datetime(2019, 6, 1, tzinfo=EASTERN),
            is_mental_health=True,
        )
    )
    DispatchCall.objects.bulk_create(calls)


def _trend(client, world, **params: str) -> str:  # type: ignore[no-untyped-def]
    query = {"department": world.ashford.pk, "end_year": 2021, "years": 5, **params}
    response = client.get(reverse("calls:trend"), query)
    assert response.status_code == 200
    return response.content.decode()


def test_department_staff_see_volumes_change_and_why(client, world, ashford_calls):
    log_in(client, world.liaison)
    page = _trend(client, world)
    assert "Ashford PD: 2017–2021 against 2012–2016" in page
    assert '<p class="change">+38%</p>' in page
    assert (
        "22 mental-health calls in 2017–2021, against 16 in 2012–2016: (22 − 16) ÷ 16 = 0.375."
        in page
    )
    assert "<span>2019</span>" in page and "<span>5</span>" in page
    assert f"<tr><td>{WELL_BEING}</td><td>17</td></tr>" in page
    assert f"<tr><td>{FLAG_REASON}</td><td>5</td></tr>" in page


def test_analysts_see_the_change_with_small_counts_suppressed(client, world, ashford_calls):
    log_in(client, world.analyst)
    page = _trend(client, world)
    assert '<p class="change">+38%</p>' in page
    assert "<span>5</span>" not in page
    assert page.count("<span>≤10</span>") == 10
    assert f"<tr><td>{FLAG_REASON}</td><td>≤10</td></tr>" in page
    # 17 alone would reveal the flagged 5 (22 − 17): it is withheld too.
    assert f"<tr><td>{WELL_BEING}</td><td>≤10</td></tr>" in page


def test_no_previous_calls_means_no_change(client, world, ashford_calls):
    log_in(client, world.liaison)
    page = _trend(client, world, end_year="2016", years="10")
    assert "none in 1997–2006, so there is no change to compute." in page


def test_ttac_and_foreign_staff_cannot_open_calls(client, world, ashford_calls):
    log_in(client, world.ttac)
    assert client.get(reverse("calls:trend")).status_code == 403
    client.logout()
    log_in(client, world.outsider)
    response = client.get(reverse("calls:trend"), {"department": world.ashford.pk})
    assert "Select a valid choice." in response.content.decode()


def test_repeat_calls_by_address_and_person(client, world, ashford_calls):
    person = person_in(world.ashford, first_name="Rosa", last_name="Quill")
    for year in (2018, 2019):
        EncounterFactory(
            department=world.ashford,
            program=world.ashford_program,
            person=person,
            cad_incident_number=f"{year}-1",
        )
    log_in(client, world.clinician)
    response = client.get(
        reverse("calls:repeat"), {"department": world.ashford.pk, "end_year": 2021, "years": 5}
    )
    page = response.content.decode()
    assert "<tr><td>12 PROSPECT ST</td><td>10</td></tr>" in page
    assert f'<a href="/people/{person.pk}/">Rosa Quill</a></td><td>2</td>' in page
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.READ, object_type="person", object_id=str(person.pk)
    ).exists()


@pytest.mark.parametrize("persona", ["analyst", "administrator", "ttac"])
def test_repeat_calls_are_for_department_staff_only(client, world, persona):
    log_in(client, getattr(world, persona))
    assert client.get(reverse("calls:repeat")).status_code == 403


@time_machine.travel(datetime.datetime(2022, 2, 1, tzinfo=datetime.UTC))
def test_adding_and_removing_a_rule_from_the_page(client, world):
    hidden = DispatchCall.objects.create(
        organization=world.organization,
        department=world.ashford,
        incident_number="21-9",
        received_at=datetime.datetime(2021, 5, 1, tzinfo=datetime.UTC),
        final_call_type="DISTURBANCE",
    )
    log_in(client, world.supervisor)
    response = client.post(
        reverse("calls:rule_add", args=[world.ashford.pk]),
        {"field": "final_call_type", "match": "exact", "pattern": "disturbance", "note": ""},
        follow=True,
    )
    assert "Rule added: Final call type is “disturbance”." in response.content.decode()
    hidden.refresh_from_db()
    assert hidden.is_mental_health
    rule = MentalHealthRule.objects.get()
    client.post(reverse("calls:rule_delete", args=[rule.pk]))
    hidden.refresh_from_db()
    assert not hidden.is_mental_health


def test_an_empty_rule_is_refused_with_a_message(client, world):
    log_in(client, world.administrator)
    response = client.post(
        reverse("calls:rule_add", args=[world.ashford.pk]),
        {"field": "any_call_type", "match": "exact", "pattern": "   "},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not MentalHealthRule.objects.exists()


def test_liaisons_read_the_rules_but_cannot_change_them(client, world):
    MentalHealthRule.objects.create(
        department=world.ashford, field="any_call_type", match="exact", pattern="WELL BEING CHECK"
    )
    log_in(client, world.liaison)
    page = client.get(reverse("calls:rules", args=[world.ashford.pk])).content.decode()
    assert "Initial or final call type is “WELL BEING CHECK”" in page
    assert "Add a rule" not in page
    response = client.post(
        reverse("calls:rule_add", args=[world.ashford.pk]),
        {"field": "any_call_type", "match": "exact", "pattern": "ALARM"},
    )
    assert response.status_code == 404
