"""Encounter services: idempotent create, versioned update, lock, amendment, audit."""

import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from coresponse.audit.models import AuditEvent
from coresponse.encounters.models import Encounter, EncounterRevision
from coresponse.encounters.services import (
    EncounterConflict,
    encounter_create,
    encounter_lock,
    encounter_update,
)
from coresponse.encounters.tests.helpers import codes, valid_input
from coresponse.people.models import Person, PersonDepartment
from coresponse.people.services import PersonInput
from coresponse.people.tests.factories import person_in


def events(action: str, object_id: int) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=action, object_type="encounter", object_id=str(object_id))
    )


def test_submitted_encounter_is_saved_with_its_codes_note_and_audit_event(world):
    encounter, created = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=True
    )
    encounter.refresh_from_db()
    assert created is True
    assert encounter.status == "submitted"
    assert encounter.organization == world.organization
    assert list(encounter.presenting_problems.values_list("key", flat=True)) == [
        "suicidal_ideation"
    ]
    assert encounter.clinical_note.text == "Agreed to crisis stabilization."
    assert encounter.age_band == "25_34"
    assert [event.actor_username for event in events("submit", encounter.pk)] == ["clinician"]


def test_same_client_key_twice_creates_one_encounter(world):
    key = uuid.uuid4()
    first, first_created = encounter_create(
        actor=world.clinician, client_key=key, data=valid_input(world), submit=True
    )
    second, second_created = encounter_create(
        actor=world.clinician, client_key=key, data=valid_input(world), submit=True
    )
    assert (first_created, second_created) == (True, False)
    assert first.pk == second.pk
    assert Encounter.objects.count() == 1


def test_client_key_of_another_user_is_refused_without_revealing_the_record(world):
    key = uuid.uuid4()
    encounter_create(actor=world.clinician, client_key=key, data=valid_input(world), submit=True)
    with pytest.raises(ValidationError) as error:
        encounter_create(
            actor=world.supervisor, client_key=key, data=valid_input(world), submit=True
        )
    assert error.value.message_dict == {
        "client_key": ["This form was already used. Open a new form."]
    }


def test_new_person_is_created_with_the_encounter_and_linked_to_the_department(world):
    data = valid_input(
        world,
        new_person=PersonInput(first_name="Ann", last_name="Lee", birth_year=1990, sex="female"),
    )
    encounter, _ = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=data, submit=True
    )
    person = Person.objects.get()
    assert encounter.person == person
    assert PersonDepartment.objects.filter(person=person, department=world.ashford).exists()
    assert (
        AuditEvent.objects.filter(
            action="create", object_type="person", object_id=str(person.pk)
        ).count()
        == 1
    )


def test_demographics_are_copied_from_the_person_at_the_time(world):
    person = person_in(
        world.ashford, birth_year=1950, birth_month=1, birth_day=1, sex="male", race="black"
    )
    encounter, _ = encounter_create(
        actor=world.clinician,
        client_key=uuid.uuid4(),
        data=valid_input(world, person=person),
        submit=True,
    )
    assert (encounter.sex, encounter.race, encounter.age_band) == ("male", "black", "75_plus")


def test_invalid_submission_saves_nothing(world):
    data = valid_input(
        world,
        arrest_outcome="arrest_diverted",
        new_person=PersonInput(first_name="Ann", last_name="Lee"),
    )
    with pytest.raises(ValidationError):
        encounter_create(actor=world.clinician, client_key=uuid.uuid4(), data=data, submit=True)
    assert (Encounter.objects.count(), Person.objects.count()) == (0, 0)


def test_department_not_served_by_the_program_is_refused(world):
    world.regional_program.memberships.create(
        user=world.clinician, role="clinician", organization=world.organization
    )
    data = valid_input(world, department=world.dover)
    with pytest.raises(ValidationError) as error:
        encounter_create(actor=world.clinician, client_key=uuid.uuid4(), data=data, submit=True)
    assert error.value.message_dict == {
        "department": ["Dover PD is not served by Ashford Co-Response."]
    }


@pytest.mark.parametrize("persona", ["officer", "liaison", "analyst", "administrator", "outsider"])
def test_only_the_programs_clinical_staff_record_encounters(world, persona):
    with pytest.raises(PermissionDenied):
        encounter_create(
            actor=getattr(world, persona),
            client_key=uuid.uuid4(),
            data=valid_input(world),
            submit=True,
        )
    assert Encounter.objects.count() == 0


def test_draft_then_submit_keeps_no_revision_and_audits_both(world):
    draft, _ = encounter_create(
        actor=world.clinician,
        client_key=uuid.uuid4(),
        data=valid_input(world, ed_outcome=""),
        submit=False,
    )
    assert draft.status == "draft"
    submitted = encounter_update(
        actor=world.clinician,
        encounter=draft,
        expected_version=1,
        data=valid_input(world),
        submit=True,
    )
    assert (submitted.status, submitted.version) == ("submitted", 2)
    assert EncounterRevision.objects.count() == 0
    assert [event.action for event in AuditEvent.objects.filter(object_type="encounter")] == [
        "create",
        "submit",
    ]


def test_stale_version_is_a_conflict_not_an_overwrite(world):
    encounter, _ = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=True
    )
    encounter_update(
        actor=world.clinician,
        encounter=encounter,
        expected_version=1,
        data=valid_input(world, police_summary="first"),
        submit=True,
    )
    with pytest.raises(EncounterConflict) as error:
        encounter_update(
            actor=world.supervisor,
            encounter=encounter,
            expected_version=1,
            data=valid_input(world, police_summary="second"),
            submit=True,
        )
    assert error.value.messages == [
        "This encounter was changed by someone else after you opened it. Reload it to see "
        "their changes, then make yours again."
    ]
    encounter.refresh_from_db()
    assert encounter.police_summary == "first"


def test_supervisor_locks_submitted_encounters_only(world):
    submitted, _ = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=True
    )
    draft, _ = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=False
    )
    assert encounter_lock(actor=world.supervisor, encounters=[submitted, draft]) == 1
    submitted.refresh_from_db()
    draft.refresh_from_db()
    assert (submitted.status, draft.status) == ("locked", "draft")
    assert submitted.locked_by == world.supervisor
    assert [event.actor_username for event in events("lock", submitted.pk)] == ["supervisor"]


def test_clinician_cannot_lock(world):
    encounter, _ = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=True
    )
    with pytest.raises(PermissionDenied):
        encounter_lock(actor=world.clinician, encounters=[encounter])


def test_amending_a_locked_encounter_needs_a_reason_and_keeps_the_previous_version(world):
    encounter, _ = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=True
    )
    encounter_lock(actor=world.supervisor, encounters=[encounter])
    encounter.refresh_from_db()
    corrected = valid_input(
        world,
        ed_outcome="ed_voluntary",
        dispositions=codes("disposition", "voluntary_hospitalization"),
    )
    with pytest.raises(ValidationError) as error:
        encounter_update(
            actor=world.supervisor,
            encounter=encounter,
            expected_version=2,
            data=corrected,
            submit=True,
        )
    assert error.value.message_dict == {
        "reason": ["Give a reason for amending a locked encounter."]
    }

    amended = encounter_update(
        actor=world.supervisor,
        encounter=encounter,
        expected_version=2,
        data=corrected,
        submit=True,
        reason="ED outcome was miscoded",
    )
    revision = EncounterRevision.objects.get(encounter=encounter)
    assert (amended.status, amended.version, amended.ed_outcome) == ("locked", 3, "ed_voluntary")
    assert revision.version == 2
    assert revision.reason == "ED outcome was miscoded"
    assert revision.snapshot["ed_outcome"] == "ed_diverted"
    assert revision.snapshot["dispositions"] == ["crisis_stabilization"]
    assert revision.snapshot["clinical_note"] == "Agreed to crisis stabilization."
    assert [event.detail for event in events("amend", encounter.pk)] == [
        {"version": 3, "reason": "ED outcome was miscoded"}
    ]


def test_another_clinician_of_the_program_cannot_edit_someone_elses_encounter(world):
    colleague = world.clinician.__class__.objects.create(username="colleague")
    colleague.memberships.create(
        role="clinician", organization=world.organization, program=world.ashford_program
    )
    encounter, _ = encounter_create(
        actor=world.clinician, client_key=uuid.uuid4(), data=valid_input(world), submit=True
    )
    with pytest.raises(PermissionDenied):
        encounter_update(
            actor=colleague,
            encounter=encounter,
            expected_version=1,
            data=valid_input(world),
            submit=True,
        )


# serialized_rollback: reload the seeded code lists a live-server test flushed before this one.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_identical_posts_create_exactly_one_encounter(world):
    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database has one connection; runs on PostgreSQL")
    key = uuid.uuid4()
    results: list[tuple[int, bool]] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(20)

    def post() -> None:
        try:
            barrier.wait()
            encounter, created = encounter_create(
                actor=world.clinician, client_key=key, data=valid_input(world), submit=True
            )
            results.append((encounter.pk, created))
        except BaseException as error:
            failures.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=post) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Encounter.objects.count() == 1
    assert len({pk for pk, _ in results}) == 1
    assert sum(created for _, created in results) == 1
