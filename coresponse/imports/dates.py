"""Reading dates and times written in the many ways exports write them, quickly.

`datetime.strptime` costs several microseconds a call, too slow for millions of CAD rows.
Each format is compiled once into a regular expression; a match is rewritten into the
canonical local form "YYYY-MM-DD HH:MM:SS" (which sorts and compares as text), and the
calendar is checked through a small cache of dates already seen.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_DIRECTIVES = {
    "Y": ("Y", r"\d{4}", r"\d{4}"),
    "y": ("y", r"\d{2}", r"\d{2}"),
    "m": ("m", r"\d{1,2}", r"\d{2}"),
    "d": ("d", r"\d{1,2}", r"\d{2}"),
    "H": ("H", r"\d{1,2}", r"\d{2}"),
    "I": ("I", r"\d{1,2}", r"\d{2}"),
    "M": ("M", r"\d{2}", r"\d{2}"),
    "S": ("S", r"\d{2}", r"\d{2}"),
    "f": ("f", r"\d{1,6}", r"\d{1,6}"),
    "p": ("p", r"[AaPp]\.?[Mm]\.?", r"[AaPp]\.?[Mm]\.?"),
    "b": ("b", r"[A-Za-z]{3,9}\.?", r"[A-Za-z]{3,9}\.?"),
    "B": ("b", r"[A-Za-z]{3,9}", r"[A-Za-z]{3,9}"),
}
_ISO = re.compile(
    r"(?P<Y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d{1,6}))?)?)?"
    r"(?P<z>Z|[+-]\d{2}:?\d{2})?"
)


class DateFormatError(ValueError):
    """A date format the importer cannot read."""


def compile_format(date_format: str) -> re.Pattern[str]:
    """A regular expression with named groups for one strptime-style format."""
    pattern, seen = _translate(date_format)
    if not ({"Y", "y"} & seen) or ("m" not in seen and "b" not in seen) or "d" not in seen:
        raise DateFormatError(
            f"The date format “{date_format}” needs a year, a month and a day (%Y %m %d)."
        )
    if "I" in seen and "p" not in seen:
        raise DateFormatError(f"The date format “{date_format}” uses %I (12-hour) without %p.")
    return re.compile(pattern + r"\Z")


def _translate(date_format: str) -> tuple[str, set[str]]:
    pattern = []
    index = 0
    seen: set[str] = set()
    while index < len(date_format):
        char = date_format[index]
        if char == "%":
            if index + 1 >= len(date_format):
                raise DateFormatError(f"The date format “{date_format}” ends with a lone %.")
            code = date_format[index + 1]
            if code not in _DIRECTIVES:
                raise DateFormatError(
                    f"The date format “{date_format}” uses %{code}, which the importer does "
                    "not read (use %Y %y %m %d %H %I %M %S %f %p %b %B)."
                )
            group, loose, tight = _DIRECTIVES[code]
            # Two numbers written without a separator ("1422") need fixed widths.
            follows_directive = date_format[index + 2 : index + 3] == "%"
            if group in seen:
                raise DateFormatError(f"The date format “{date_format}” repeats %{code}.")
            seen.add(group)
            pattern.append(f"(?P<{group}>{tight if follows_directive else loose})")
            index += 2
            continue
        pattern.append(r"\s+" if char.isspace() else re.escape(char))
        index += 1
    return "".join(pattern), seen


_DATE_CODES = set("Yymdb")
_TIME_CODES = set("HIMSfp")
_MISSING = object()
_CACHE_LIMIT = 100_000


def _codes(part: str) -> set[str]:
    return set(re.findall(r"%(.)", part))


class _SplitFormat:
    """A "DATE TIME" format read in two cached halves: an export repeats the same few
    thousand dates and at most 86,400 times of day, so after the first rows reading a
    timestamp is two dictionary look-ups instead of a regular expression and arithmetic."""

    def __init__(self, date_part: str, time_part: str, reader: DateReader) -> None:
        self.date_pattern = compile_format(date_part)
        self.time_pattern = re.compile(_translate(time_part)[0] + r"\Z")
        self.reader = reader
        self.dates: dict[str, str | None] = {}
        self.times: dict[str, str | None] = {}

    @classmethod
    def of(cls, date_format: str, reader: DateReader) -> _SplitFormat | None:
        date_part, space, time_part = date_format.partition(" ")
        if not space or not time_part.strip():
            return None
        if not _codes(date_part) <= _DATE_CODES or not _codes(time_part) <= _TIME_CODES:
            return None
        return cls(date_part, time_part.strip(), reader)

    def read(self, text: str) -> str | None:
        head, space, tail = text.partition(" ")
        if not space:
            return None
        tail = tail.lstrip()
        day = self.dates.get(head, _MISSING)
        if day is _MISSING:
            match = self.date_pattern.match(head)
            value = self.reader._canonical(match.groupdict()) if match else None
            day = value[:10] if value else None
            if len(self.dates) < _CACHE_LIMIT:
                self.dates[head] = day
        if day is None:
            return None
        clock = self.times.get(tail, _MISSING)
        if clock is _MISSING:
            match = self.time_pattern.match(tail)
            value = (
                self.reader._canonical({"Y": "2000", "m": "1", "d": "1", **match.groupdict()})
                if match
                else None
            )
            clock = value[11:] if value else None
            if len(self.times) < _CACHE_LIMIT:
                self.times[tail] = clock
        if clock is None:
            return None
        return f"{day} {clock}"


class DateReader:
    """Reads date/time text with a list of formats into canonical local text.

    `read(text)` returns "YYYY-MM-DD HH:MM:SS" (local wall time of `zone`) or None when no
    format fits or the date does not exist. Values with an explicit UTC offset are converted
    to the local zone.
    """

    def __init__(self, date_formats: list[str], zone: ZoneInfo) -> None:
        self.zone = zone
        self._valid_days: dict[str, bool] = {}
        # Formats are tried in the mapping's order, always: with "03/04/2019" both m/d and
        # d/m fit, and the first listed must win on every row.
        self.entries = [
            (_SplitFormat.of(date_format, self), compile_format(date_format))
            for date_format in date_formats
        ]

    def read(self, text: str) -> str | None:
        for split, pattern in self.entries:
            if split is not None and " " in text:
                value = split.read(text)
                if value is not None:
                    return value
                continue
            match = pattern.match(text)
            if match is not None:
                canonical = self._canonical(match.groupdict())
                if canonical is not None:
                    return canonical
        match = _ISO.match(text)
        if match is not None and match.end() == len(text):
            return self._canonical(match.groupdict())
        return None

    def _check_day(self, day_text: str) -> bool:
        try:
            datetime.date.fromisoformat(day_text)
            valid = True
        except ValueError:
            valid = False
        if len(self._valid_days) < 100_000:
            self._valid_days[day_text] = valid
        return valid

    def _canonical(self, parts: dict[str, str | None]) -> str | None:
        year = parts.get("Y")
        if year is None:
            short = parts.get("y")
            if short is None:
                return None
            # Two-digit years: 00–69 are 2000s, 70–99 are 1900s (the POSIX convention).
            year = ("20" if int(short) < 70 else "19") + short
        month = parts.get("m")
        if month is None:
            month_number = MONTHS.get((parts.get("b") or "").rstrip(".").casefold())
            if month_number is None:
                return None
            month = str(month_number)
        day_text = f"{year}-{month:0>2}-{parts['d']:0>2}"
        valid = self._valid_days.get(day_text)
        if valid is None:
            valid = self._check_day(day_text)
        if not valid:
            return None
        hour = parts.get("H")
        if hour is None:
            hour = parts.get("I")
            if hour is not None:
                hour_number = int(hour)
                if not 1 <= hour_number <= 12:
                    return None
                is_pm = (parts.get("p") or "a")[0] in "pP"
                hour = str(hour_number % 12 + (12 if is_pm else 0))
        minute = parts.get("M") or "00"
        second = parts.get("S") or "00"
        if hour is None:
            hour = "00"
        elif int(hour) > 23 or int(minute) > 59 or int(second) > 59:
            return None
        value = f"{day_text} {hour:0>2}:{minute}:{second}"
        offset = parts.get("z")
        if offset:
            value = self._from_offset(value, offset)
        return value

    def _from_offset(self, value: str, offset: str) -> str:
        zone = datetime.UTC if offset == "Z" else _fixed_zone(offset)
        moment = datetime.datetime.fromisoformat(value).replace(tzinfo=zone)
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S")


def _fixed_zone(offset: str) -> datetime.tzinfo:
    digits = offset[1:].replace(":", "")
    delta = datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return datetime.timezone(delta if offset[0] == "+" else -delta)


def local_text_to_utc(zone: ZoneInfo) -> Callable[[str], datetime.datetime]:
    """A converter from canonical local text to an aware UTC datetime, cached per hour.

    Wall times that happen twice (the hour repeated when clocks go back) are read as standard
    time and times skipped when clocks go forward with the offset before the change: the
    smaller of the two offsets, which is what PostgreSQL does, so both databases agree.
    """
    offsets: dict[str, datetime.timedelta] = {}

    def convert(text: str) -> datetime.datetime:
        hour_key = text[:13]
        offset = offsets.get(hour_key)
        naive = datetime.datetime.fromisoformat(text)
        if offset is None:
            offset = min(
                naive.replace(tzinfo=zone, fold=0).utcoffset() or datetime.timedelta(0),
                naive.replace(tzinfo=zone, fold=1).utcoffset() or datetime.timedelta(0),
            )
            if len(offsets) < 200_000:
                offsets[hour_key] = offset
        return (naive - offset).replace(tzinfo=datetime.UTC)

    return convert


def cell_text(value: object) -> str:
    """Spreadsheet cell values as the text a CSV export would have carried."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        # Spreadsheets have no date-only cells: a date comes back at midnight, and a date
        # column is often joined with a separate time column.
        if value.time() == datetime.time.min:
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
