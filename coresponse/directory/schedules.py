"""Is a service open at a given moment? Reading HSDS schedules (RFC 5545 recurrences).

Understood: WEEKLY with BYDAY (MO,TU…), MONTHLY with BYMONTHDAY (1, 15, -1) or an ordinal
BYDAY (2MO = second Monday, -1FR = last Friday), each with opening and closing times.
Closing at or before opening means the hours run past midnight; equal times mean open all
day. DTSTART and UNTIL bound the recurrence (as valid_from and valid_to do). INTERVAL (every
second week, every third month) counts weeks or months from DTSTART (from valid_from when
there is no DTSTART), and COUNT stops after that many occurrences from DTSTART; without a
start to count from, such a schedule answers "unknown" rather than guess. Weeks start on
Monday (RFC 5545's default WKST). A schedule with no recurrence or no times answers
"unknown".
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable

from coresponse.directory.models import Schedule

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _ordinal_matches(day: datetime.date, ordinal: int) -> bool:
    if ordinal > 0:
        return (day.day - 1) // 7 + 1 == ordinal
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (days_in_month - day.day) // 7 + 1 == -ordinal


def _start(schedule: Schedule) -> datetime.date | None:
    return schedule.dtstart or schedule.valid_from


def _in_interval(schedule: Schedule, frequency: str, day: datetime.date) -> bool | None:
    """Whether `day` falls in an active week or month of an INTERVAL > 1 (None: no start)."""
    interval = schedule.interval or 1
    if interval <= 1:
        return True
    start = _start(schedule)
    if start is None:
        return None
    if frequency == "WEEKLY":
        monday = day - datetime.timedelta(days=day.weekday())
        first_monday = start - datetime.timedelta(days=start.weekday())
        return ((monday - first_monday).days // 7) % interval == 0
    months = (day.year - start.year) * 12 + day.month - start.month
    return months % interval == 0


def occurs_on(schedule: Schedule, day: datetime.date) -> bool | None:
    """Whether the schedule's recurrence includes `day` (None: cannot tell)."""
    if not schedule.is_valid_on(day):
        return False
    if schedule.count is not None:
        start = _start(schedule)
        if start is None:
            return None
        # Count the occurrences before `day`; once COUNT of them have happened, no more.
        occurrences = 0
        current = start
        while current < day:
            found = _occurs_in_pattern(schedule, current)
            if found is None:
                return None
            if found:
                occurrences += 1
                if occurrences >= schedule.count:
                    return False
            current += datetime.timedelta(days=1)
    return _occurs_in_pattern(schedule, day)


def _occurs_in_pattern(schedule: Schedule, day: datetime.date) -> bool | None:
    """The recurrence rule alone (frequency, interval, days), without its bounds."""
    code = DAY_CODES[day.weekday()]
    tokens = [token.strip().upper() for token in schedule.byday.split(",") if token.strip()]
    month_days = [int(token) for token in schedule.bymonthday.split(",") if token.strip()]
    frequency = schedule.freq or ("WEEKLY" if tokens else "")
    if frequency in ("WEEKLY", "MONTHLY"):
        active = _in_interval(schedule, frequency, day)
        if active is not True:
            return active
    if frequency == "WEEKLY":
        return code in {token[-2:] for token in tokens} if tokens else None
    if frequency == "MONTHLY":
        if month_days:
            days_in_month = calendar.monthrange(day.year, day.month)[1]
            return any(
                value == day.day or (value < 0 and days_in_month + value + 1 == day.day)
                for value in month_days
            )
        for token in tokens:
            prefix = token[:-2]
            if token[-2:] == code and (not prefix or _ordinal_matches(day, int(prefix))):
                return True
        return False if tokens else None
    return None


def is_open_at(schedule: Schedule, moment: datetime.datetime) -> bool | None:
    """Whether the schedule has the place open at a local `moment` (None: cannot tell)."""
    if schedule.opens_at is None or schedule.closes_at is None:
        return None
    day, time = moment.date(), moment.time()
    opens, closes = schedule.opens_at, schedule.closes_at
    today = occurs_on(schedule, day)
    if today is None:
        return None
    if opens == closes:
        return today
    if opens < closes:
        return today and opens <= time < closes
    # Overnight hours: open from `opens` today, or until `closes` after yesterday's opening.
    if today and time >= opens:
        return True
    return bool(occurs_on(schedule, day - datetime.timedelta(days=1))) and time < closes


def open_now(schedules: Iterable[Schedule], moment: datetime.datetime) -> bool | None:
    """Open if any schedule says open; closed if all readable ones say closed; else None."""
    answers = [is_open_at(schedule, moment) for schedule in schedules]
    if any(answer is True for answer in answers):
        return True
    if answers and all(answer is False for answer in answers):
        return False
    if any(answer is False for answer in answers):
        return False
    return None
