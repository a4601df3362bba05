"""Checking every row and field of a parsed HSDS file, and typing its values.

Every problem names its record (file and row, or JSON path) and field. Nothing is imported
unless the whole file is valid.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone

from coresponse.directory.hsds.parse import RawDirectory, RawRow
from coresponse.directory.hsds.tables import TABLES, Field, Table

BYDAY = re.compile(r"^([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
MONTHDAY = re.compile(r"-?[0-9]{1,2}")
TRUE = {"true", "1", "yes", "y"}
FALSE = {"false", "0", "no", "n"}


@dataclass(frozen=True)
class Problem:
    where: str
    field: str
    message: str

    def __str__(self) -> str:
        if self.field:
            return f"{self.where}, field “{self.field}”: {self.message}"
        return f"{self.where}: {self.message}"


@dataclass
class Record:
    table: str
    where: str
    values: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.values["id"])


class Invalid(ValueError):
    pass


def _text(value: Any, spec: Field) -> str:
    if isinstance(value, (dict, list)):
        raise Invalid("must be text, not a list or object.")
    text = str(value).strip()
    if len(text) > spec.max_length:
        raise Invalid(f"is longer than {spec.max_length} characters.")
    return text


def _uuid(value: Any, spec: Field) -> str:
    try:
        return str(uuid.UUID(str(value).strip()))
    except (ValueError, AttributeError):
        raise Invalid(f"“{value}” is not a UUID.") from None


def _enum(value: Any, spec: Field) -> str:
    text = str(value).strip()
    if text not in spec.choices:
        allowed = ", ".join(f"“{choice}”" for choice in spec.choices)
        raise Invalid(f"“{text}” is not one of {allowed}.")
    return text


def _integer(value: Any, spec: Field) -> int:
    if isinstance(value, bool):
        raise Invalid(f"“{value}” is not a whole number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid(f"“{value}” is not a whole number.") from None
    if number != number.to_integral_value() or number < 0 or number > 32767:
        raise Invalid(f"“{value}” is not a whole number from 0 to 32767.")
    return int(number)


def _number(value: Any, spec: Field) -> Decimal:
    if isinstance(value, bool):
        raise Invalid(f"“{value}” is not a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise Invalid(f"“{value}” is not a number.") from None
    if not number.is_finite() or abs(number) >= Decimal("1e8"):
        raise Invalid(f"“{value}” is not a number below 100,000,000.")
    return number


def _date(value: Any, spec: Field) -> datetime.date:
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"“{value}” is not a date (YYYY-MM-DD).") from None


def _datetime(value: Any, spec: Field) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"“{value}” is not a date and time (ISO 8601).") from None
    if timezone.is_naive(moment):
        # Without an offset the time is read in the directory's own time zone.
        moment = timezone.make_aware(moment)
    return moment


def _time(value: Any, spec: Field) -> datetime.time:
    try:
        moment = datetime.time.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"“{value}” is not a time (HH:MM).") from None
    if moment.tzinfo is not None:
        # Opening hours are kept as local wall-clock times; an offset is converted with
        # the offset in force today (HSDS gives no date to do better).
        today = timezone.localdate()
        moment = timezone.localtime(datetime.datetime.combine(today, moment)).time()
    return moment.replace(microsecond=0)


def _email(value: Any, spec: Field) -> str:
    text = _text(value, spec)
    try:
        validate_email(text)
    except ValidationError:
        raise Invalid(f"“{text}” is not an e-mail address.") from None
    return text


def _uri(value: Any, spec: Field) -> str:
    text = _text(value, spec)
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError:
        raise Invalid(f"“{text}” is not a web address (http or https).") from None
    return text


def _bool(value: Any, spec: Field) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Invalid(f"“{value}” is not true or false.")


CONVERTERS: dict[str, Callable[[Any, Field], Any]] = {
    "text": _text,
    "uuid": _uuid,
    "enum": _enum,
    "integer": _integer,
    "number": _number,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "email": _email,
    "uri": _uri,
    "bool": _bool,
}


def _typed(row: RawRow, table: Table, problems: list[Problem]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in table.fields:
        raw = row.values.get(spec.name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.required:
                problems.append(Problem(row.where, spec.name, "is required."))
            values[spec.name] = None
            continue
        try:
            values[spec.name] = CONVERTERS[spec.kind](raw, spec)
        except Invalid as error:
            problems.append(Problem(row.where, spec.name, str(error)))
            values[spec.name] = None
    return values


def _row_rules(record: Record, table: Table, problems: list[Problem]) -> None:
    values = record.values
    if table.one_parent_of and not any(values.get(name) for name in table.one_parent_of):
        names = " or ".join(f"“{name}”" for name in table.one_parent_of)
        problems.append(Problem(record.where, "", f"names no parent: give {names}."))
    if table.name == "services":
        low, high = values.get("minimum_age"), values.get("maximum_age")
        if low is not None and high is not None and low > high:
            problems.append(
                Problem(record.where, "maximum_age", f"{high} is below the minimum age {low}.")
            )
    if table.name == "schedules":
        _schedule_rules(record, problems)
    if table.name == "service_capacities":
        for name in ("available", "maximum"):
            if values.get(name) is not None and values[name] < 0:
                problems.append(Problem(record.where, name, "cannot be negative."))
    country = values.get("country")
    if table.name == "addresses" and country and not re.fullmatch(r"[A-Za-z]{2}", country):
        problems.append(
            Problem(record.where, "country", "must be a two-letter ISO 3166 country code.")
        )


def _schedule_rules(record: Record, problems: list[Problem]) -> None:
    values = record.values
    if (values.get("opens_at") is None) != (values.get("closes_at") is None):
        problems.append(Problem(record.where, "closes_at", "give both opening and closing times."))
    for token in (values.get("byday") or "").split(","):
        if token.strip() and not BYDAY.match(token.strip().upper()):
            problems.append(
                Problem(record.where, "byday", f"“{token.strip()}” is not a day such as MO or 2TU.")
            )
    for token in (values.get("bymonthday") or "").split(","):
        token = token.strip()
        if token and not (MONTHDAY.fullmatch(token) and 1 <= abs(int(token)) <= 31):
            problems.append(
                Problem(record.where, "bymonthday", f"“{token}” is not a day of the month.")
            )
    if values.get("byday"):
        values["byday"] = ",".join(token.strip().upper() for token in values["byday"].split(","))
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(Problem(record.where, "valid_to", "is before “valid_from”."))
    dtstart, until = values.get("dtstart"), values.get("until")
    if dtstart and until and until < dtstart:
        problems.append(Problem(record.where, "until", "is before “dtstart”."))
    for name in ("interval", "count"):
        if values.get(name) == 0:
            problems.append(Problem(record.where, name, "must be 1 or more."))


def validate(
    raw: RawDirectory, *, existing_ids: dict[str, set[str]]
) -> tuple[dict[str, list[Record]], list[Problem]]:
    """Type and check every row; references may name rows of the file or of the directory."""
    problems = [Problem(where, "", message) for where, message in raw.conflicts]
    records: dict[str, list[Record]] = {}
    for table in TABLES:
        seen: dict[str, str] = {}
        records[table.name] = []
        for row in raw.rows[table.name]:
            record = Record(table.name, row.where, _typed(row, table, problems))
            identifier = record.values.get("id")
            if identifier is not None:
                if identifier in seen:
                    problems.append(
                        Problem(
                            row.where, "id", f"{identifier} is also used at {seen[identifier]}."
                        )
                    )
                    continue
                seen[identifier] = row.where
            _row_rules(record, table, problems)
            records[table.name].append(record)
    file_ids = {
        name: {record.id for record in rows if record.values.get("id")}
        for name, rows in records.items()
    }
    for table in TABLES:
        for record in records[table.name]:
            for spec in table.fields:
                value = record.values.get(spec.name)
                if not spec.refers_to or value is None:
                    continue
                if value not in file_ids[spec.refers_to] and value not in existing_ids.get(
                    spec.refers_to, set()
                ):
                    singular = spec.refers_to.rstrip("s").replace("_", " ")
                    problems.append(
                        Problem(
                            record.where,
                            spec.name,
                            f"{value} names no {singular} in the file or the directory.",
                        )
                    )
    return records, problems
