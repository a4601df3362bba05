"""Reading HSDS schedules: weekly, monthly, overnight, all-day, unknown."""

from __future__ import annotations

import datetime

import pytest

from coresponse.directory.models import Schedule
from coresponse.directory.schedules import is_open_at, occurs_on, open_now

# 2025-06-09 is a Monday; 2025-06-14 the second Saturday of June; 2025-06-30 its last Monday.
MONDAY = datetime.date(2025, 6, 9)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute)


def schedule(**fields) -> Schedule:  # type: ignore[no-untyped-def]
    return Schedule(**{"freq": "WEEKLY", "byday": "", "bymonthday": "", **fields})


WEEKDAYS = schedule(byday="MO,TU,WE,TH,FR", opens_at=datetime.time(9), closes_at=datetime.time(17))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(MONDAY, 8, 59), False),
        (at(MONDAY, 9, 0), True),
        (at(MONDAY, 16, 59), True),
        (at(MONDAY, 17, 0), False),
        (at(MONDAY + datetime.timedelta(days=5), 12), False),  # Saturday
    ],
)
def test_weekly_hours_open_at_opening_and_close_at_closing(moment, expected):
    assert is_open_at(WEEKDAYS, moment) is expected


def test_overnight_hours_run_past_midnight_into_the_next_day():
    nights = schedule(byday="FR", opens_at=datetime.time(20), closes_at=datetime.time(6))
    friday = MONDAY + datetime.timedelta(days=4)
    assert is_open_at(nights, at(friday, 19, 59)) is False
    assert is_open_at(nights, at(friday, 23)) is True
    assert is_open_at(nights, at(friday + datetime.timedelta(days=1), 5, 59)) is True
    assert is_open_at(nights, at(friday + datetime.timedelta(days=1), 6)) is False
    assert is_open_at(nights, at(MONDAY, 2)) is False


def test_equal_opening_and_closing_times_mean_open_all_day():
    always = schedule(
        byday="MO,TU,WE,TH,FR,SA,SU", opens_at=datetime.time(0), closes_at=datetime.time(0)
    )
    assert is_open_at(always, at(MONDAY, 3)) is True


def test_monthly_ordinal_and_month_days():
    second_saturday = schedule(freq="MONTHLY", byday="2SA")
    last_monday = schedule(freq="MONTHLY", byday="-1MO")
    fifteenth_and_last = schedule(freq="MONTHLY", bymonthday="15,-1")
    assert occurs_on(second_saturday, datetime.date(2025, 6, 14)) is True
    assert occurs_on(second_saturday, datetime.date(2025, 6, 7)) is False
    assert occurs_on(last_monday, datetime.date(2025, 6, 30)) is True
    assert occurs_on(last_monday, datetime.date(2025, 6, 23)) is False
    assert occurs_on(fifteenth_and_last, datetime.date(2025, 6, 15)) is True
    assert occurs_on(fifteenth_and_last, datetime.date(2025, 6, 30)) is True
    assert occurs_on(fifteenth_and_last, datetime.date(2025, 6, 29)) is False


def test_validity_dates_bound_the_schedule():
    summer = schedule(
        byday="MO",
        opens_at=datetime.time(9),
        closes_at=datetime.time(17),
        valid_from=datetime.date(2025, 7, 1),
    )
    assert is_open_at(summer, at(MONDAY, 10)) is False


def test_schedule_without_recurrence_or_times_is_unknown():
    assert is_open_at(schedule(freq="", description="Call for hours"), at(MONDAY, 10)) is None
    assert is_open_at(schedule(byday="MO"), at(MONDAY, 10)) is None
    assert open_now([], at(MONDAY, 10)) is None
    assert open_now([WEEKDAYS, schedule(freq="")], at(MONDAY, 10)) is True
    assert open_now([WEEKDAYS, schedule(freq="")], at(MONDAY, 20)) is False


def test_interval_counts_weeks_from_the_start_date():
    # Every second Monday from Monday 2 June 2025: 2, 16, 30 June are on, 9 and 23 June off.
    fortnightly = schedule(
        byday="MO",
        interval=2,
        dtstart=datetime.date(2025, 6, 2),
        opens_at=datetime.time(9),
        closes_at=datetime.time(12),
    )
    assert [occurs_on(fortnightly, datetime.date(2025, 6, day)) for day in (2, 9, 16, 23, 30)] == [
        True,
        False,
        True,
        False,
        True,
    ]
    assert is_open_at(fortnightly, at(MONDAY, 10)) is False
    assert is_open_at(fortnightly, at(MONDAY + datetime.timedelta(days=7), 10)) is True
    # Before its start it does not occur at all.
    assert occurs_on(fortnightly, datetime.date(2025, 5, 19)) is False


def test_interval_without_a_start_date_is_unknown_rather_than_a_guess():
    fortnightly = schedule(
        byday="MO", interval=2, opens_at=datetime.time(9), closes_at=datetime.time(12)
    )
    assert is_open_at(fortnightly, at(MONDAY, 10)) is None
    # valid_from serves as the start when DTSTART is missing.
    fortnightly.valid_from = datetime.date(2025, 6, 9)
    assert is_open_at(fortnightly, at(MONDAY, 10)) is True


def test_monthly_interval_counts_months_from_the_start():
    quarterly_first_tuesday = schedule(
        freq="MONTHLY", byday="1TU", interval=3, dtstart=datetime.date(2025, 1, 7)
    )
    assert occurs_on(quarterly_first_tuesday, datetime.date(2025, 4, 1)) is True
    assert occurs_on(quarterly_first_tuesday, datetime.date(2025, 5, 6)) is False
    assert occurs_on(quarterly_first_tuesday, datetime.date(2025, 7, 1)) is True


def test_until_and_count_end_the_recurrence():
    until_june_10 = schedule(byday="MO,TU", until=datetime.date(2025, 6, 10))
    assert occurs_on(until_june_10, datetime.date(2025, 6, 10)) is True
    assert occurs_on(until_june_10, datetime.date(2025, 6, 16)) is False
    # Three Mondays from 2 June: 2, 9, 16 June; not 23 June.
    three_sessions = schedule(byday="MO", count=3, dtstart=datetime.date(2025, 6, 2))
    assert [occurs_on(three_sessions, datetime.date(2025, 6, day)) for day in (2, 9, 16, 23)] == [
        True,
        True,
        True,
        False,
    ]
    assert occurs_on(three_sessions, datetime.date(2025, 6, 10)) is False
    # COUNT without a start cannot be counted.
    assert occurs_on(schedule(byday="MO", count=3), datetime.date(2025, 6, 2)) is None
