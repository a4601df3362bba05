"""Directory search: need, keyword, town, language, age, open now, stale marks, scope."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client, override_settings

from coresponse.common.testing import log_in
from coresponse.directory.models import (
    Address,
    Language,
    Location,
    Schedule,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Unit,
)
from coresponse.directory.selectors import DirectoryQuery, directory_search
from coresponse.directory.tests.factories import service_in, term_in

LOCAL = ZoneInfo("America/New_York")
MONDAY_NOON = datetime.datetime(2025, 6, 9, 12, 0, tzinfo=LOCAL)


@pytest.fixture
def directory(world):  # type: ignore[no-untyped-def]
    organization = world.organization
    crisis = term_in(organization, "crisis_stabilization", "Crisis stabilization")
    sud = term_in(organization, "substance_use_treatment", "Substance use treatment")
    csu = service_in(
        organization,
        name="Crisis Stabilization Unit",
        terms=[crisis],
        minimum_age=18,
        assured_date=datetime.date(2025, 5, 1),
    )
    detox = service_in(
        organization,
        name="Detox and recovery",
        terms=[sud],
        minimum_age=18,
        assured_date=datetime.date(2024, 1, 1),
    )
    youth = service_in(
        organization,
        name="Youth clinic",
        terms=[crisis],
        minimum_age=12,
        maximum_age=21,
        assured_date=datetime.date(2025, 5, 1),
    )
    closed = service_in(organization, name="Old shelter", status="defunct")
    service_in(world.other_organization, name="Zeta crisis beds", terms=[])
    for service, town in ((csu, "Ashford"), (detox, "Statewide"), (youth, "Dover")):
        ServiceArea.objects.create(tenant=organization, service=service, name=town)
    Language.objects.create(tenant=organization, service=csu, name="Spanish", code="es")
    location = Location.objects.create(tenant=organization, name="Youth house")
    Address.objects.create(
        tenant=organization,
        location=location,
        address_1="1 Elm",
        city="Easton",
        state_province="MA",
        postal_code="02000",
    )
    Language.objects.create(tenant=organization, location=location, name="Portuguese", code="pt")
    ServiceAtLocation.objects.create(tenant=organization, service=youth, location=location)
    Schedule.objects.create(
        tenant=organization,
        service=csu,
        freq="WEEKLY",
        byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=datetime.time(0),
        closes_at=datetime.time(0),
    )
    Schedule.objects.create(
        tenant=organization,
        service=detox,
        freq="WEEKLY",
        byday="SA,SU",
        opens_at=datetime.time(8),
        closes_at=datetime.time(16),
    )
    bed = Unit.objects.create(tenant=organization, name="Bed")
    ServiceCapacity.objects.create(
        tenant=organization,
        service=csu,
        unit=bed,
        available=3,
        maximum=12,
        updated=MONDAY_NOON - datetime.timedelta(days=10),
    )
    return {"csu": csu, "detox": detox, "youth": youth, "closed": closed}


def names(world, **query) -> list[str]:  # type: ignore[no-untyped-def]
    cards = directory_search(world.clinician, DirectoryQuery(**query), now=MONDAY_NOON)
    return [card.service.name for card in cards]


def test_active_services_of_the_own_directory_only(world, directory):
    assert names(world) == ["Crisis Stabilization Unit", "Detox and recovery", "Youth clinic"]
    assert "Old shelter" in names(world, include_closed=True)
    assert names(world, text="zeta") == []


def test_need_and_keyword(world, directory):
    assert names(world, need="crisis_stabilization") == [
        "Crisis Stabilization Unit",
        "Youth clinic",
    ]
    assert names(world, text="detox") == ["Detox and recovery"]
    assert names(world, text="substance") == ["Detox and recovery"]


def test_town_matches_area_address_or_statewide(world, directory):
    assert names(world, town="ashford") == ["Crisis Stabilization Unit", "Detox and recovery"]
    assert names(world, town="Easton") == ["Detox and recovery", "Youth clinic"]


def test_language_of_the_service_or_its_location(world, directory):
    assert names(world, language="Spanish") == ["Crisis Stabilization Unit"]
    assert names(world, language="pt") == ["Youth clinic"]


def test_age_within_the_service_range(world, directory):
    assert names(world, age=15) == ["Youth clinic"]
    assert names(world, age=30) == ["Crisis Stabilization Unit", "Detox and recovery"]


def test_open_now_reads_the_schedules(world, directory):
    assert names(world, is_open_now=True) == ["Crisis Stabilization Unit"]


@override_settings(CORESPONSE={"DIRECTORY_STALE_DAYS": 180, "DIRECTORY_CAPACITY_STALE_DAYS": 7})
def test_stale_details_and_capacity_are_marked(world, directory):
    cards = {
        card.service.name: card
        for card in directory_search(world.clinician, DirectoryQuery(), now=MONDAY_NOON)
    }
    assert cards["Crisis Stabilization Unit"].stale_reasons == ["Bed count not updated for 10 days"]
    assert cards["Detox and recovery"].stale_reasons == ["Details last checked 1 Jan 2024"]
    assert cards["Youth clinic"].stale_reasons == []


@override_settings(CORESPONSE={"DIRECTORY_STALE_DAYS": 30, "DIRECTORY_CAPACITY_STALE_DAYS": 14})
def test_stale_thresholds_are_configurable(world, directory):
    cards = {
        card.service.name: card
        for card in directory_search(world.clinician, DirectoryQuery(), now=MONDAY_NOON)
    }
    assert cards["Crisis Stabilization Unit"].stale_reasons == ["Details last checked 1 May 2025"]


def test_another_organization_sees_none_of_this_directory(world, directory):
    assert (
        directory_search(world.foreign_clinician, DirectoryQuery(), now=MONDAY_NOON)[0].service.name
        == "Zeta crisis beds"
    )
    assert len(directory_search(world.foreign_clinician, DirectoryQuery(), now=MONDAY_NOON)) == 1


def test_search_page_for_a_clinician_on_a_phone(world, directory):
    client = log_in(Client(), world.clinician)
    text = client.get(
        "/directory/", {"need": "crisis_stabilization", "town": "Ashford"}
    ).content.decode()
    assert "Crisis Stabilization Unit" in text and "Youth clinic" not in text
    assert "3 of 12</strong> beds available" in text
    response = client.get(f"/directory/services/{directory['csu'].pk}/")
    assert response.status_code == 200
    assert client.get("/directory/import/").status_code == 403


def test_invalid_search_input_is_reported_not_crashed(world, directory):
    response = log_in(Client(), world.clinician).get("/directory/", {"age": "old"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"age": ["Enter a whole number."]}


def test_now_defaults_to_the_current_time(world, directory):
    assert (
        directory_search(world.clinician, DirectoryQuery(text="crisis"))[0].service.name
        == "Crisis Stabilization Unit"
    )
