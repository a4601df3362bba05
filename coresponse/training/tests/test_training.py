"""Training: certifications from attendance, expiry and renewal, measures, reminders, CIT."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from coresponse.audit.models import AuditEvent
from coresponse.encounters.tests.factories import EncounterFactory
from coresponse.training import selectors, services
from coresponse.training.cit import cit_officer_present
from coresponse.training.measures import officer_training_shares
from coresponse.training.models import Certification, Officer, SessionKind, TrainingSession
from coresponse.training.reminders import renewal_reminders_send

pytestmark = pytest.mark.django_db
D = datetime.date
JOINED = D(2010, 1, 1)
COURSE_END = D(2022, 3, 4)


def officer(world, name: str, *, department=None, joined=JOINED, left=None, email=""):  # type: ignore[no-untyped-def]
    department = department or world.ashford
    return Officer.objects.create(
        organization=department.organization,
        department=department,
        first_name=name,
        last_name="Test",
        badge_number=name,
        email=email,
        joined_on=joined,
        left_on=left,
    )


def session(world, kind=SessionKind.CIT_40, ends=COURSE_END, hours="40", renews=False):  # type: ignore[no-untyped-def]
    return TrainingSession.objects.create(
        organization=world.organization,
        kind=kind,
        title=f"{kind} {ends}",
        starts_on=ends - datetime.timedelta(days=4),
        ends_on=ends,
        hours=Decimal(hours),
        renews_cit=renews,
    )


def attend(world, training, who, hours):  # type: ignore[no-untyped-def]
    return services.attendance_record(
        actor=world.ttac, session=training, officer=who, hours_attended=Decimal(hours)
    )


def test_completing_cit_40_earns_two_years(world) -> None:  # type: ignore[no-untyped-def]
    adams = officer(world, "Adams")
    attendance = attend(world, session(world), adams, "40")
    certification = Certification.objects.get(officer=adams)
    assert (certification.kind, certification.earned_on, certification.expires_on) == (
        "cit",
        D(2022, 3, 4),
        D(2024, 3, 3),
    )
    assert certification.is_valid_on(D(2024, 3, 3))
    assert not certification.is_valid_on(D(2024, 3, 4))
    event = AuditEvent.objects.get(object_type="attendance")
    assert event.object_id == str(attendance.pk)
    assert event.detail == {"hours": "40", "certification": certification.pk}


def test_partial_attendance_earns_nothing_and_correction_withdraws(world) -> None:  # type: ignore[no-untyped-def]
    baker = officer(world, "Baker")
    training = session(world)
    attend(world, training, baker, "40")
    attend(world, training, baker, "32")
    assert not Certification.objects.filter(officer=baker).exists()


def test_attendance_rules(world) -> None:  # type: ignore[no-untyped-def]
    training = session(world)
    late = officer(world, "Late", joined=D(2023, 1, 1))
    with pytest.raises(ValidationError) as caught:
        attend(world, training, late, "40")
    assert caught.value.message_dict == {
        "officer": ["Late Test was not on the roster on 2022-03-04."]
    }
    with pytest.raises(ValidationError) as caught:
        attend(world, training, officer(world, "Over"), "41")
    assert caught.value.message_dict == {
        "hours_attended": ["Hours attended must be between 0 and 40."]
    }
    with pytest.raises(PermissionDenied):
        services.attendance_record(
            actor=world.clinician, session=training, officer=late, hours_attended=Decimal(1)
        )


def test_refresher_renews_only_someone_certified_before(world) -> None:  # type: ignore[no-untyped-def]
    carter, davis = officer(world, "Carter"), officer(world, "Davis")
    attend(world, session(world), carter, "40")
    refresher = session(world, SessionKind.IN_SERVICE, ends=D(2024, 2, 1), hours="8", renews=True)
    attend(world, refresher, carter, "8")
    attend(world, refresher, davis, "8")
    renewal = Certification.objects.get(officer=carter, session=refresher)
    assert renewal.is_renewal
    assert (renewal.earned_on, renewal.expires_on) == (D(2024, 2, 1), D(2026, 1, 31))
    assert not Certification.objects.filter(officer=davis).exists()


def test_mental_health_first_aid_lasts_three_years(world) -> None:  # type: ignore[no-untyped-def]
    evans = officer(world, "Evans")
    attend(world, session(world, SessionKind.MHFA, ends=D(2020, 2, 29), hours="8"), evans, "8")
    certification = Certification.objects.get(officer=evans)
    assert (certification.kind, certification.expires_on) == ("mhfa", D(2023, 2, 27))


def test_session_rules(world) -> None:  # type: ignore[no-untyped-def]
    data = services.SessionInput(
        kind=SessionKind.CIT_40,
        title="",
        starts_on=D(2024, 3, 5),
        ends_on=D(2024, 3, 1),
        hours=Decimal("24"),
        renews_cit=True,
    )
    with pytest.raises(ValidationError) as caught:
        services.session_create(actor=world.ttac, organization_id=world.organization.pk, data=data)
    assert caught.value.message_dict == {
        "title": ["Give the session a title."],
        "ends_on": ["A session cannot end before it starts."],
        "hours": ["A CIT 40-hour course lasts at least 40 hours."],
        "renews_cit": ["Only an in-service session can be a CIT refresher."],
    }


def test_training_shares_hand_computed(world) -> None:  # type: ignore[no-untyped-def]
    # Ashford on 2024-06-01: five officers on the roster (a sixth left in 2023, a seventh
    # joins in 2025). Trained: A (2020, lapsed 2022), B (2023, valid), C (2023, valid),
    # plus the departed officer. Certified: B and C. Dover: one officer, untrained.
    on = D(2024, 6, 1)
    a, b, c = officer(world, "A"), officer(world, "B"), officer(world, "C")
    officer(world, "D")
    officer(world, "E")
    gone = officer(world, "Gone", left=D(2023, 12, 31))
    officer(world, "New", joined=D(2025, 1, 1))
    officer(world, "Dover1", department=world.dover)
    course_2020 = session(world, ends=D(2020, 5, 1))
    attend(world, course_2020, a, "40")
    attend(world, course_2020, gone, "40")
    course_2023 = session(world, ends=D(2023, 9, 1))
    attend(world, course_2023, b, "40")
    attend(world, course_2023, c, "40")
    rows = officer_training_shares(department_ids=[world.ashford.pk, world.dover.pk], on=on)
    ashford, dover = rows
    assert (ashford.department_name, ashford.officers, ashford.trained, ashford.certified) == (
        "Ashford PD",
        5,
        3,
        2,
    )
    assert ashford.trained_share == pytest.approx(0.6)
    assert ashford.certified_share == pytest.approx(0.4)
    assert (dover.officers, dover.trained, dover.certified) == (1, 0, 0)
    assert dover.certified_share == 0
    nobody = officer_training_shares(department_ids=[world.easton.pk], on=on)[0]
    assert nobody.trained_share is None


def test_renewals_due_lists_expiring_and_lapsed_not_renewed(world) -> None:  # type: ignore[no-untyped-def]
    on = D(2024, 6, 1)
    soon = officer(world, "Soon", email="soon@example.invalid")
    lapsed = officer(world, "Lapsed")
    renewed = officer(world, "Renewed")
    attend(world, session(world, ends=D(2022, 7, 1)), soon, "40")  # expires 2024-06-30
    attend(world, session(world, ends=D(2022, 4, 1)), lapsed, "40")  # expired 2024-03-31
    attend(world, session(world, ends=D(2022, 6, 15)), renewed, "40")
    refresher = session(world, SessionKind.IN_SERVICE, ends=D(2024, 5, 1), hours="8", renews=True)
    attend(world, refresher, renewed, "8")
    due = selectors.renewals_due(organization_ids=[world.organization.pk], on=on, within_days=60)
    assert [(item.certification.officer.first_name, item.days_left) for item in due] == [
        ("Lapsed", -62),
        ("Soon", 29),
    ]
    assert (
        selectors.renewals_due(
            organization_ids=[world.other_organization.pk], on=on, within_days=60
        )
        == []
    )


def test_reminders_are_sent_once_each_to_the_officer_alone(world) -> None:  # type: ignore[no-untyped-def]
    first = officer(world, "First", email="first@example.invalid")
    second = officer(world, "Second", email="second@example.invalid")
    officer_without = officer(world, "Noaddress")
    training = session(world, ends=D(2022, 7, 1))
    for who in (first, second, officer_without):
        attend(world, training, who, "40")
    run = renewal_reminders_send(
        actor=world.ttac, organization_ids=[world.organization.pk], on=D(2024, 6, 1), within_days=60
    )
    assert (run.sent, run.already_sent, run.without_address) == (2, 0, 1)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "first@example.invalid",
        "second@example.invalid",
    ]
    assert all(
        len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox
    )
    assert mail.outbox[0].subject == "Your CIT certification expires on June 30, 2024"
    again = renewal_reminders_send(
        actor=None, organization_ids=[world.organization.pk], on=D(2024, 6, 1), within_days=60
    )
    assert (again.sent, again.already_sent) == (0, 2)
    assert len(mail.outbox) == 2


def test_reminder_command_lists_and_sends(world) -> None:  # type: ignore[no-untyped-def]
    soon = officer(world, "Soon", email="soon@example.invalid")
    attend(world, session(world, ends=D(2022, 7, 1)), soon, "40")
    out = StringIO()
    call_command("training_reminders", "--date", "2024-06-01", stdout=out)
    assert out.getvalue().splitlines() == [
        "2024-06-30  CIT                      Soon Test, Ashford PD: expires in 29 days",
        "1 certification(s) due within 60 days.",
    ]
    assert mail.outbox == []
    out = StringIO()
    call_command("training_reminders", "--date", "2024-06-01", "--send", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        "Sent 1 reminder(s); 0 already reminded; 0 without an e-mail address."
    )
    assert len(mail.outbox) == 1


def test_cit_presence_derives_from_officers_at_the_incident(world) -> None:  # type: ignore[no-untyped-def]
    certified, untrained = officer(world, "Cert"), officer(world, "Plain")
    attend(world, session(world, ends=D(2023, 1, 10)), certified, "40")  # valid to 2025-01-09
    assert (
        cit_officer_present(department_id=world.ashford.pk, incident_number="", on=D(2024, 1, 1))
        is None
    )
    assert (
        cit_officer_present(
            department_id=world.ashford.pk, incident_number="24-1", on=D(2024, 1, 1)
        )
        is None
    )
    with time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        encounter = EncounterFactory(
            department=world.ashford,
            program=world.ashford_program,
            cad_incident_number="24-00017",
            occurred_at=datetime.datetime(2024, 3, 1, 15, tzinfo=datetime.UTC),
            is_cit_officer_present=None,
        )
        changed = services.incident_officers_set(
            actor=world.ttac,
            department=world.ashford,
            incident_number="24-00017",
            officers=[untrained],
        )
        encounter.refresh_from_db()
        assert (changed, encounter.is_cit_officer_present) == (1, False)
        changed = services.incident_officers_set(
            actor=world.ttac,
            department=world.ashford,
            incident_number="24-00017",
            officers=[untrained, certified],
        )
        encounter.refresh_from_db()
        assert (changed, encounter.is_cit_officer_present) == (1, True)
    # After the certification lapsed, the same officers mean no CIT officer.
    assert (
        cit_officer_present(
            department_id=world.ashford.pk, incident_number="24-00017", on=D(2025, 1, 10)
        )
        is False
    )
    assert AuditEvent.objects.filter(object_type="incident_officers").count() == 2


def test_incident_officers_must_be_on_the_departments_roster(world) -> None:  # type: ignore[no-untyped-def]
    stranger = officer(world, "Stranger", department=world.dover)
    with pytest.raises(ValidationError) as caught:
        services.incident_officers_set(
            actor=world.ttac, department=world.ashford, incident_number="1", officers=[stranger]
        )
    assert caught.value.message_dict == {
        "officers": ["Stranger Test is not on the Ashford PD roster."]
    }


def test_outsider_sees_no_training_records(world) -> None:  # type: ignore[no-untyped-def]
    adams = officer(world, "Adams")
    attend(world, session(world), adams, "40")
    assert selectors.officers_visible_to(world.ttac).count() == 1
    for outsider in (world.outsider, world.foreign_clinician, world.officer, world.analyst):
        assert not selectors.officers_visible_to(outsider).exists()
        assert not selectors.sessions_visible_to(outsider).exists()
        assert not selectors.ride_alongs_visible_to(outsider).exists()
        assert not selectors.incident_officers_visible_to(outsider).exists()


def test_officer_and_ride_along_rules(world) -> None:  # type: ignore[no-untyped-def]
    officer(world, "Taken")
    data = services.OfficerInput(
        department=world.ashford,
        first_name="New",
        last_name="Person",
        badge_number="Taken",
        joined_on=D(2024, 1, 1),
        left_on=D(2023, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services.officer_save(actor=world.ttac, data=data)
    assert caught.value.message_dict == {
        "badge_number": ["Badge Taken is already on the Ashford PD roster."],
        "left_on": ["An officer cannot leave before joining."],
    }
    ride = services.ride_along_record(
        actor=world.ttac,
        data=services.RideAlongInput(
            department=world.ashford,
            ridden_on=D(2024, 1, 5),
            hours=Decimal("8"),
            rider_name="Jordan Lee",
            rider_role="new_site",
        ),
    )
    assert AuditEvent.objects.get(object_type="ride_along").object_id == str(ride.pk)


def test_saving_an_encounter_derives_cit_presence_from_the_records(world) -> None:  # type: ignore[no-untyped-def]
    import uuid

    from coresponse.encounters.services import encounter_create, encounter_update
    from coresponse.encounters.tests.helpers import valid_input

    certified, untrained = officer(world, "Cert"), officer(world, "Plain")
    attend(world, session(world, ends=D(2023, 1, 10)), certified, "40")  # valid to 2025-01-09
    with time_machine.travel(datetime.datetime(2024, 6, 1, 12, tzinfo=datetime.UTC), tick=False):
        services.incident_officers_set(
            actor=world.ttac, department=world.ashford, incident_number="24-9", officers=[certified]
        )
        services.incident_officers_set(
            actor=world.ttac, department=world.ashford, incident_number="24-8", officers=[untrained]
        )
        # The clinician answered "no"; the officers recorded at the incident say otherwise.
        data = valid_input(world, cad_incident_number="24-9", is_cit_officer_present=False)
        encounter, _ = encounter_create(
            actor=world.clinician, client_key=uuid.uuid4(), data=data, submit=False
        )
        encounter.refresh_from_db()
        assert encounter.is_cit_officer_present is True
        # Another incident number: its officer holds no CIT certification.
        data = valid_input(world, cad_incident_number="24-8", is_cit_officer_present=True)
        encounter = encounter_update(
            actor=world.clinician,
            encounter=encounter,
            expected_version=encounter.version,
            data=data,
            submit=False,
        )
        encounter.refresh_from_db()
        assert encounter.is_cit_officer_present is False
        # No officers recorded for the incident: the clinician's answer stays.
        data = valid_input(world, cad_incident_number="24-7", is_cit_officer_present=True)
        encounter, _ = encounter_create(
            actor=world.clinician, client_key=uuid.uuid4(), data=data, submit=False
        )
        encounter.refresh_from_db()
        assert encounter.is_cit_officer_present is True
