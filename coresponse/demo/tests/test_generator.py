"""The demo data set is deterministic and has the shape programs report."""

import datetime

import pytest
from django.db import transaction
from django.db.models import Count

from coresponse.accounts.models import Membership, User
from coresponse.demo.generator import DEMO_PASSWORD, STAFF, build_demo
from coresponse.encounters.models import Encounter
from coresponse.people.models import Person
from coresponse.programs.models import Program

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One demo build shared by the module's read-only tests, rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_demo(today=TODAY, scale=0.15, log=lambda message: None)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _db(db):
    """Every test reads the database (inside the module's demo transaction)."""


def test_arrest_diversion_share_is_about_three_quarters(demo):
    with_conduct = Encounter.objects.filter(has_criminal_conduct=True)
    diverted = with_conduct.filter(arrest_outcome="arrest_diverted").count()
    share = diverted / with_conduct.count()
    assert 0.70 <= share <= 0.80, share


def test_mandatory_arrest_offenses_are_never_diverted(demo):
    assert not Encounter.objects.filter(
        charge_severity="mandatory_arrest", arrest_outcome="arrest_diverted"
    ).exists()


def test_a_minority_of_people_return_several_times(demo):
    per_person = Encounter.objects.exclude(person=None).values("person").annotate(n=Count("id"))
    counts = [row["n"] for row in per_person]
    returning = sum(1 for count in counts if count >= 3)
    assert 0.03 <= returning / len(counts) <= 0.25
    assert sum(1 for count in counts if count == 1) / len(counts) > 0.5


def test_history_spans_the_replication_years_and_grows(demo):
    first = Encounter.objects.earliest("occurred_at").occurred_at.year
    assert first == 2012
    ashford = Encounter.objects.filter(department__slug="ashford")
    early = ashford.filter(occurred_at__year__range=(2012, 2016)).count()
    later = ashford.filter(occurred_at__year__range=(2017, 2021)).count()
    assert 1.2 <= later / early <= 1.6


def test_summer_is_busier_than_winter_and_weekdays_than_weekends(demo):
    summer = Encounter.objects.filter(occurred_at__month__in=[6, 7, 8]).count()
    winter = Encounter.objects.filter(occurred_at__month__in=[1, 2, 12]).count()
    weekday = Encounter.objects.filter(occurred_at__week_day__in=[2, 3, 4, 5, 6]).count() / 5
    weekend = Encounter.objects.filter(occurred_at__week_day__in=[1, 7]).count() / 2
    assert summer > winter
    assert weekday > weekend


def test_regional_program_serves_two_towns_launched_together(demo):
    regional = Program.objects.get(slug="dover-easton")
    assert regional.is_regional
    launches = {
        link.department.slug: link.launched_on
        for link in regional.program_departments.select_related("department")
    }
    assert launches == {"dover": datetime.date(2018, 1, 15), "easton": datetime.date(2018, 1, 15)}
    assert set(
        Encounter.objects.filter(program=regional)
        .values_list("department__slug", flat=True)
        .distinct()
    ) == {"dover", "easton"}


def test_every_role_has_a_demo_account_with_the_documented_password(demo):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {
        "clinician",
        "supervisor",
        "officer",
        "liaison",
        "analyst",
        "ttac",
        "administrator",
    }
    for spec in STAFF:
        assert User.objects.get(username=spec.username).check_password(DEMO_PASSWORD)


def test_story_person_is_there_with_two_contacts(demo):
    kathy = Person.objects.get(first_name="Katherine", last_name="Sullivan")
    assert kathy.encounters.count() == 2
    assert kathy.safety_flags.get().text == "Dog in the apartment"
