"""The referral measures on a small hand-computed data set (see each test's arithmetic)."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from coresponse.directory.tests.factories import service_in
from coresponse.encounters.models import Encounter
from coresponse.encounters.tests.factories import EncounterFactory
from coresponse.referrals.models import FollowUp, Referral
from coresponse.referrals.tests.factories import FollowUpFactory, ReferralFactory
from coresponse.reporting.measures.referrals import (
    DaysSummary,
    days_encounter_to_first_service,
    follow_ups_on_time_rate,
    referral_attended_share,
    referral_closed_loop_rate,
)
from coresponse.reporting.measures.types import Rate, Selection

LOCAL = ZoneInfo("America/New_York")
MARCH = (datetime.date(2025, 3, 1), datetime.date(2025, 4, 1))
AS_OF = datetime.datetime(2025, 4, 5, 12, 0, tzinfo=LOCAL)


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2025, month, day, hour, minute, tzinfo=LOCAL)


def march(world, **changes) -> Selection:  # type: ignore[no-untyped-def]
    values = {"department_ids": frozenset({world.ashford.pk}), "start": MARCH[0], "end": MARCH[1]}
    values.update(changes)
    return Selection(**values)


@pytest.fixture
def referrals(world):  # type: ignore[no-untyped-def]
    service = service_in(world.organization, name="Outpatient clinic")

    def referral(name, referred_at, kind=Referral.Kind.WARM_HANDOFF, department=None, **fields):  # type: ignore[no-untyped-def]
        return ReferralFactory(
            department=department or world.ashford,
            program=world.regional_program if department else world.ashford_program,
            service=service,
            kind=kind,
            referred_at=referred_at,
            reason=name,
            **fields,
        )

    closed = {"status": Referral.Status.CLOSED}
    referral(
        "R1 first instant of the period",
        at(3, 1, 0, 0),
        outcome="attended",
        outcome_at=at(3, 4),
        attended_at=at(3, 4),
        closed_at=at(3, 5),
        **closed,
    )
    referral(
        "R2 last minute, still open",
        at(3, 31, 23, 59),
        Referral.Kind.APPOINTMENT_MADE,
        status=Referral.Status.SCHEDULED,
    )
    referral("R3 first instant after the period", at(4, 1, 0, 0), closed_at=at(4, 2), **closed)
    referral("R4 last minute before the period", at(2, 28, 23, 59), closed_at=at(3, 2), **closed)
    referral(
        "R5 information only",
        at(3, 10),
        Referral.Kind.INFORMATION_ONLY,
        closed_at=at(3, 11),
        **closed,
    )
    referral(
        "R6 declined then closed",
        at(3, 15),
        outcome="declined",
        outcome_at=at(3, 15),
        closed_at=at(3, 16),
        **closed,
    )
    referral(
        "R7 did not attend, not closed",
        at(3, 20),
        Referral.Kind.APPOINTMENT_MADE,
        status=Referral.Status.NOT_ATTENDED,
        outcome="not_attended",
        outcome_at=at(3, 25),
    )
    referral(
        "R8 another department", at(3, 12), department=world.dover, closed_at=at(3, 13), **closed
    )
    referral(
        "R9 attended, closed after as_of",
        at(3, 18),
        outcome="attended",
        outcome_at=at(3, 19),
        attended_at=at(3, 19),
        closed_at=at(4, 10),
        **closed,
    )
    return service


def test_closed_loop_rate_counts_closed_hand_offs_made_in_the_period(world, referrals):
    # Denominator R1 R2 R6 R7 R9 (R3/R4 outside, R5 information only, R8 Dover) = 5;
    # closed by 5 April: R1, R6 = 2 (R9 closed on 10 April).
    assert referral_closed_loop_rate(march(world), as_of=AS_OF) == Rate(2, 5)
    assert referral_closed_loop_rate(march(world), as_of=at(4, 10)) == Rate(3, 5)


def test_attended_share_counts_known_attendance_outcomes(world, referrals):
    # Known by 5 April: R1 attended, R7 not attended, R9 attended; R6 declined is not in it.
    assert referral_attended_share(march(world), as_of=AS_OF) == Rate(2, 3)
    # On 20 March only R1 (4 March) and R9 (19 March) were known, both attended.
    assert referral_attended_share(march(world), as_of=at(3, 20)) == Rate(2, 2)


def test_referral_measures_have_no_value_with_an_empty_denominator(world, referrals):
    empty = march(world, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 2, 1))
    assert referral_closed_loop_rate(empty, as_of=AS_OF) == Rate(0, 0)
    assert referral_closed_loop_rate(empty, as_of=AS_OF).value is None
    assert referral_attended_share(empty, as_of=AS_OF) == Rate(0, 0)
    assert referral_closed_loop_rate(march(world, department_ids=frozenset()), as_of=AS_OF) == Rate(
        0, 0
    )


def test_program_filter_narrows_the_referral_measures(world, referrals):
    regional = march(
        world,
        department_ids=frozenset({world.ashford.pk, world.dover.pk}),
        program_ids=frozenset({world.regional_program.pk}),
    )
    assert referral_closed_loop_rate(regional, as_of=AS_OF) == Rate(1, 1)


@pytest.fixture
def follow_ups(world):  # type: ignore[no-untyped-def]
    def follow_up(due_at, status=FollowUp.Status.OPEN, completed_at=None):  # type: ignore[no-untyped-def]
        return FollowUpFactory(
            department=world.ashford,
            program=world.ashford_program,
            due_at=due_at,
            status=status,
            completed_at=completed_at,
        )

    done = FollowUp.Status.DONE
    follow_up(at(3, 1, 0, 0), done, at(3, 1, 9))  # F1 same day: on time
    follow_up(at(3, 10, 17), done, at(3, 11, 8))  # F2 next morning: late
    follow_up(at(3, 20), FollowUp.Status.OPEN)  # F3 still open
    follow_up(at(3, 25), FollowUp.Status.CANCELLED, at(3, 24))  # F4 cancelled: not counted
    follow_up(at(3, 31, 23), done, at(3, 31, 23, 30))  # F5 half an hour late, same day
    follow_up(at(4, 1, 0, 0), done, at(4, 1, 1))  # F6 due after the period
    follow_up(at(3, 15), done, at(4, 6))  # F7 done after as_of


def test_follow_ups_on_time_rate_counts_by_local_due_date(world, follow_ups):
    # Denominator F1 F2 F3 F5 F7 = 5; on time F1, F5 = 2.
    assert follow_ups_on_time_rate(march(world), as_of=AS_OF) == Rate(2, 5)


def test_follow_ups_not_yet_due_are_not_counted(world, follow_ups):
    # On 20 March: F3 (due today) and F5 (due 31 March, not done) are not counted yet;
    # F7 is past due and open. Denominator F1 F2 F7 = 3; on time F1 = 1.
    assert follow_ups_on_time_rate(march(world), as_of=at(3, 20, 12)) == Rate(1, 3)


def test_follow_ups_on_time_rate_is_empty_without_follow_ups(world):
    assert follow_ups_on_time_rate(march(world), as_of=AS_OF) == Rate(0, 0)


def test_days_to_first_service_uses_the_earliest_attended_referral(world, referrals):
    service = referrals

    def encounter(occurred_at, *attended):  # type: ignore[no-untyped-def]
        record = EncounterFactory(
            department=world.ashford, program=world.ashford_program, occurred_at=occurred_at
        )
        for attended_at in attended:
            ReferralFactory(
                department=world.ashford,
                program=world.ashford_program,
                service=service,
                encounter=record,
                referred_at=occurred_at,
                attended_at=attended_at,
            )
        return record

    encounter(at(3, 1, 0, 30), at(3, 4, 10), at(3, 2, 9))  # 1 day (the earlier one)
    encounter(at(3, 10, 23), at(3, 10, 23, 30))  # 0 days
    encounter(at(3, 15), None)  # no service attended: not counted
    encounter(at(3, 20, 9), at(3, 27, 16))  # 7 days
    encounter(at(4, 1, 8), at(4, 2, 8))  # after the period
    assert days_encounter_to_first_service(march(world)) == DaysSummary(
        count=3, median=1.0, mean=2.7, minimum=0, maximum=7
    )


def test_days_to_first_service_leaves_out_draft_encounters(world, referrals):
    service = referrals

    def encounter(occurred_at, attended_at, status):  # type: ignore[no-untyped-def]
        record = EncounterFactory(
            department=world.ashford,
            program=world.ashford_program,
            occurred_at=occurred_at,
            status=status,
        )
        ReferralFactory(
            department=world.ashford,
            program=world.ashford_program,
            service=service,
            encounter=record,
            referred_at=occurred_at,
            attended_at=attended_at,
        )

    encounter(at(3, 2), at(3, 4), Encounter.Status.SUBMITTED)  # 2 days
    encounter(at(3, 5), at(3, 15), Encounter.Status.LOCKED)  # 10 days
    encounter(at(3, 6), at(3, 30), Encounter.Status.DRAFT)  # draft: would be 24 days
    # Counted: 2 and 10 -> count 2, median (2 + 10) / 2 = 6.0, mean 6.0, least 2, most 10.
    # With the draft it would be count 3, median 10.0, mean 12.0, most 24.
    assert days_encounter_to_first_service(march(world)) == DaysSummary(
        count=2, median=6.0, mean=6.0, minimum=2, maximum=10
    )


def test_days_to_first_service_is_empty_without_attended_referrals(world):
    assert days_encounter_to_first_service(march(world)) == DaysSummary(
        count=0, median=None, mean=None, minimum=None, maximum=None
    )
