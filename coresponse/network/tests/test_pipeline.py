"""Replication pipeline: stage rules with exact messages, audit, scope, TA, measures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from coresponse.audit.models import AuditEvent
from coresponse.network import selectors, services
from coresponse.network.measures import sites_launched_per_year, time_from_inquiry_to_launch
from coresponse.network.models import Replication, Stage, StageChange
from coresponse.programs.tests.factories import DepartmentFactory, ProgramFactory, serve

TODAY = datetime.date(2024, 6, 1)
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        yield


@pytest.fixture
def milltown(world):  # type: ignore[no-untyped-def]
    return DepartmentFactory(
        organization=world.organization, name="Milltown PD", towns=["Milltown"]
    )


def _start(world, department, inquiry_on=datetime.date(2023, 1, 10)) -> Replication:  # type: ignore[no-untyped-def]
    return services.replication_start(
        actor=world.ttac, department=department, inquiry_on=inquiry_on
    )


def _move_errors(world, replication, to_stage, on, reason=""):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        services.replication_move(
            actor=world.ttac, replication=replication, to_stage=to_stage, on=on, reason=reason
        )
    return caught.value.message_dict["to_stage"]


def test_start_records_inquiry_history_and_audit(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    assert replication.stage == Stage.INQUIRY
    assert replication.inquiry_on == datetime.date(2023, 1, 10)
    change = StageChange.objects.get(replication=replication)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "inquiry", world.ttac)
    event = AuditEvent.objects.get(object_type="replication", action="create")
    assert event.object_id == str(replication.pk)
    assert event.actor_username == "ttac"


def test_start_twice_is_refused(world, milltown):  # type: ignore[no-untyped-def]
    _start(world, milltown)
    with pytest.raises(ValidationError) as caught:
        _start(world, milltown)
    assert caught.value.message_dict == {"department": ["Milltown PD is already in the pipeline."]}


def test_next_stage_needs_no_reason_and_keeps_dates(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    moved = services.replication_move(
        actor=world.ttac,
        replication=replication,
        to_stage=Stage.PLANNING,
        on=datetime.date(2023, 2, 1),
    )
    assert moved.stage == Stage.PLANNING
    assert moved.planning_on == datetime.date(2023, 2, 1)
    event = AuditEvent.objects.filter(object_type="replication", action="update").get()
    assert event.detail == {"from": "inquiry", "to": "planning", "on": "2023-02-01"}


def test_same_stage_is_refused(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    assert _move_errors(world, replication, Stage.INQUIRY, TODAY) == [
        "Milltown PD is already at stage Inquiry."
    ]


def test_skipping_a_stage_needs_a_reason(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    assert _move_errors(world, replication, Stage.CLINICIAN_HIRED, datetime.date(2023, 3, 1)) == [
        "Moving from Inquiry to Clinician hired skips Planning, Agreement signed: give a reason."
    ]
    moved = services.replication_move(
        actor=world.ttac,
        replication=replication,
        to_stage=Stage.AGREEMENT_SIGNED,
        on=datetime.date(2023, 3, 1),
        reason="Town meeting approved the agreement at the first meeting.",
    )
    assert moved.stage == Stage.AGREEMENT_SIGNED
    assert moved.planning_on is None


def test_moving_back_needs_a_reason_and_clears_later_dates(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    for stage, day in [
        (Stage.PLANNING, datetime.date(2023, 2, 1)),
        (Stage.AGREEMENT_SIGNED, datetime.date(2023, 4, 1)),
        (Stage.CLINICIAN_HIRED, datetime.date(2023, 7, 1)),
    ]:
        replication = services.replication_move(
            actor=world.ttac, replication=replication, to_stage=stage, on=day
        )
    assert _move_errors(world, replication, Stage.PLANNING, datetime.date(2023, 8, 1)) == [
        "Moving back from Clinician hired to Planning needs a reason."
    ]
    back = services.replication_move(
        actor=world.ttac,
        replication=replication,
        to_stage=Stage.PLANNING,
        on=datetime.date(2023, 8, 1),
        reason="The clinician resigned; the agreement is being renegotiated.",
    )
    assert back.stage == Stage.PLANNING
    assert back.planning_on == datetime.date(2023, 2, 1)
    assert (back.agreement_signed_on, back.clinician_hired_on) == (None, None)
    last = StageChange.objects.filter(replication=back).last()
    assert last is not None
    assert last.reason == "The clinician resigned; the agreement is being renegotiated."


def test_dates_stay_in_order(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown, inquiry_on=datetime.date(2023, 5, 1))
    assert _move_errors(world, replication, Stage.PLANNING, datetime.date(2023, 4, 30)) == [
        "The date of Planning (2023-04-30) cannot be before the date of Inquiry (2023-05-01)."
    ]


def test_move_back_cannot_predate_the_stage_left(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown, inquiry_on=datetime.date(2023, 5, 1))
    replication = services.replication_move(
        actor=world.ttac,
        replication=replication,
        to_stage=Stage.PLANNING,
        on=datetime.date(2023, 6, 1),
    )
    assert _move_errors(
        world, replication, Stage.INQUIRY, datetime.date(2023, 5, 15), "Stalled"
    ) == [
        "The date of the move back (2023-05-15) cannot be before the date of Planning (2023-06-01)."
    ]


def test_future_dates_are_refused(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    assert _move_errors(world, replication, Stage.PLANNING, datetime.date(2024, 6, 2)) == [
        "The date of Planning cannot be in the future."
    ]


def test_launch_needs_a_program(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    errors = _move_errors(
        world, replication, Stage.LAUNCHED, datetime.date(2024, 1, 1), reason="Fast track"
    )
    assert errors == [
        "Milltown PD is not served by any program: add it to a program before marking it launched."
    ]
    serve(ProgramFactory(organization=world.organization), milltown, datetime.date(2024, 1, 1))
    launched = services.replication_move(
        actor=world.ttac,
        replication=replication,
        to_stage=Stage.LAUNCHED,
        on=datetime.date(2024, 1, 1),
        reason="Fast track",
    )
    assert launched.launched_on == datetime.date(2024, 1, 1)


def test_only_ttac_or_administrators_of_the_organization_move_sites(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    for outsider in (world.clinician, world.analyst, world.foreign_clinician, world.officer):
        with pytest.raises(PermissionDenied):
            services.replication_move(
                actor=outsider, replication=replication, to_stage=Stage.PLANNING, on=TODAY
            )
    services.replication_move(
        actor=world.administrator, replication=replication, to_stage=Stage.PLANNING, on=TODAY
    )


def test_outsider_sees_no_pipeline_or_assistance(world, milltown):  # type: ignore[no-untyped-def]
    replication = _start(world, milltown)
    services.ta_contact_record(
        actor=world.ttac,
        data=services.TAContactInput(
            department=milltown,
            contacted_on=TODAY,
            topic="hiring",
            hours=Decimal("1.5"),
            summary="Job description review",
        ),
    )
    assert list(selectors.replications_visible_to(world.ttac)) == [replication]
    for outsider in (world.outsider, world.foreign_clinician, world.analyst, world.officer):
        assert not selectors.replications_visible_to(outsider).exists()
        assert not selectors.ta_contacts_visible_to(outsider).exists()
        assert not selectors.ta_requests_visible_to(outsider).exists()
        assert selectors.network_sites_for(outsider) == []


def test_ta_contact_rules_and_audit(world, milltown):  # type: ignore[no-untyped-def]
    data = services.TAContactInput(
        department=milltown,
        contacted_on=datetime.date(2024, 6, 2),
        topic="data",
        hours=Decimal("0"),
        summary="",
    )
    with pytest.raises(ValidationError) as caught:
        services.ta_contact_record(actor=world.ttac, data=data)
    assert caught.value.message_dict == {
        "hours": ["Hours must be more than 0 and at most 200."],
        "summary": ["Say what the contact was about."],
        "contacted_on": ["The date of a contact cannot be in the future."],
    }
    data.hours, data.summary, data.contacted_on = Decimal("2.5"), "Data set-up call", TODAY
    data.resources_shared = "Data dictionary\nMonthly report template\n"
    contact = services.ta_contact_record(actor=world.ttac, data=data)
    assert contact.resource_list == ["Data dictionary", "Monthly report template"]
    assert AuditEvent.objects.get(object_type="ta_contact").object_id == str(contact.pk)
    assert selectors.ta_hours_by_department(world.ttac, year=2024) == [
        ("Milltown PD", Decimal("2.50"), 1)
    ]


def test_ta_request_closes_after_it_was_made(world, milltown):  # type: ignore[no-untyped-def]
    request = services.ta_request_create(
        actor=world.ttac,
        data=services.TARequestInput(
            department=milltown, topic="funding", summary="Grant letter", requested_on=TODAY
        ),
    )
    with pytest.raises(ValidationError) as caught:
        services.ta_request_close(
            actor=world.ttac, request=request, closed_on=datetime.date(2024, 5, 1)
        )
    assert caught.value.message_dict == {
        "closed_on": ["A request cannot close (2024-05-01) before it was made (2024-06-01)."]
    }
    services.ta_request_close(actor=world.ttac, request=request, closed_on=TODAY)
    assert request.status == "closed"


def test_time_from_inquiry_to_launch_hand_computed(world):  # type: ignore[no-untyped-def]
    # Three sites launched in 2022: 100, 200 and 400 days after inquiry; one launched in
    # 2021 (outside the period) and one never launched.
    rows = [
        (datetime.date(2021, 10, 1), datetime.date(2022, 1, 9)),  # 100 days
        (datetime.date(2021, 6, 1), datetime.date(2021, 12, 18)),  # 200 days, but launched 2021
        (datetime.date(2021, 12, 1), datetime.date(2022, 6, 19)),  # 200 days
        (datetime.date(2021, 3, 1), datetime.date(2022, 4, 5)),  # 400 days
        (datetime.date(2022, 2, 1), None),
    ]
    for number, (inquiry_on, launched_on) in enumerate(rows):
        Replication.objects.create(
            organization=world.organization,
            department=DepartmentFactory(organization=world.organization),
            inquiry_on=inquiry_on,
            launched_on=launched_on,
            stage=Stage.LAUNCHED if launched_on else Stage.PLANNING,
        )
        del number
    result = time_from_inquiry_to_launch(
        start=datetime.date(2022, 1, 1), end=datetime.date(2022, 12, 31)
    )
    assert result.sites == 3
    assert result.total_days == 700
    assert result.median_days == 200
    assert result.mean_days == pytest.approx(700 / 3)
    assert (
        time_from_inquiry_to_launch(
            start=datetime.date(2022, 1, 1),
            end=datetime.date(2022, 12, 31),
            organization_ids=[world.other_organization.pk],
        ).sites
        == 0
    )


def test_sites_launched_per_year_hand_computed(world):  # type: ignore[no-untyped-def]
    # world: Ashford 2003, Dover and Easton 2018 (regional: two sites), Zeta (other
    # organization) 2015. Ashford joins a second program in 2020: still counted in 2003.
    serve(ProgramFactory(organization=world.organization), world.ashford, datetime.date(2020, 5, 1))
    counts = sites_launched_per_year(
        first_year=2015, last_year=2020, organization_ids=[world.organization.pk]
    )
    assert counts == {2015: 0, 2016: 0, 2017: 0, 2018: 2, 2019: 0, 2020: 0}
    everyone = sites_launched_per_year(first_year=2003, last_year=2018)
    assert everyone[2003] == 1
    assert everyone[2015] == 1
    assert everyone[2018] == 2
    assert sum(everyone.values()) == 4
