"""Normalised person records and the parsing of raw field values into them."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from coresponse.people.names import GENERATION_SUFFIXES, name_parts, name_tokens, normalize_name

# The fields a people list may map; any subset may be present.
FIELDS = (
    "first_name",
    "last_name",
    "full_name",
    "dob",
    "birth_year",
    "sex",
    "address",
    "town",
    "postcode",
    "phone",
    "external_id",
)

_SEX = {
    "f": "f",
    "female": "f",
    "woman": "f",
    "w": "f",
    "m": "m",
    "male": "m",
    "man": "m",
    "x": "x",
    "other": "x",
    "nonbinary": "x",
}
_STREET_WORDS = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "place": "pl",
    "boulevard": "blvd",
    "terrace": "tce",
    "crescent": "cres",
    "circle": "cir",
    "highway": "hwy",
    "apartment": "apt",
    "unit": "apt",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
}
_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), ("m", "d", "y")),  # US order
    (re.compile(r"^(\d{1,2})[.-](\d{1,2})[.-](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})[-/.](\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})$"), ("y",)),
]


@dataclass(frozen=True)
class PersonRecord:
    """One person as the matcher sees it; empty strings and zeros mean "not known"."""

    first_name: str = ""
    last_name: str = ""
    birth_year: int = 0
    birth_month: int = 0
    birth_day: int = 0
    sex: str = ""
    address: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    external_id: str = ""
    # "jr", "sr", "ii"…: tells a father from a son who share every other part of the name.
    suffix: str = ""


def parse_date_parts(value: str) -> tuple[int, int, int]:
    """(year, month, day) of a possibly partial date; zeros where unknown or invalid."""
    text = (value or "").strip()
    if not text:
        return 0, 0, 0
    text = text.split("T")[0].split(" ")[0]
    for pattern, order in _DATE_PATTERNS:
        found = pattern.match(text)
        if not found:
            continue
        parts = dict(zip(order, (int(group) for group in found.groups()), strict=True))
        year, month, day = parts.get("y", 0), parts.get("m", 0), parts.get("d", 0)
        if not 1850 <= year <= 2100:
            return 0, 0, 0
        if month and not 1 <= month <= 12:
            # A day/month swap written in the wrong order: keep the year and the swap visible.
            month, day = (day, month) if 1 <= day <= 12 else (0, 0)
        if day:
            try:
                datetime.date(year, month or 1, day)
            except ValueError:
                day = 0
        return year, month, day
    return 0, 0, 0


def parse_year(value: str) -> int:
    digits = re.sub(r"\D", "", value or "")
    year = int(digits[:4]) if len(digits) >= 4 else 0
    return year if 1850 <= year <= 2100 else 0


def normalize_sex(value: str) -> str:
    return _SEX.get(normalize_name(value), "")


def normalize_phone(value: str) -> str:
    """Digits only; a North American leading 1 dropped, so 10 digits compare with 11."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 7 else ""


def normalize_address(value: str) -> str:
    words = re.sub(r"[^a-z0-9 ]", " ", (value or "").lower()).split()
    return " ".join(_STREET_WORDS.get(word, word) for word in words)


def normalize_place(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]", " ", (value or "").lower()).split())


def normalize_code(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def split_full_name(value: str) -> tuple[str, str]:
    """First and last name of a free-text full name ("Sullivan, Kathy" → kathy, sullivan)."""
    if "," in (value or ""):
        last, _, first = value.partition(",")
        first_parts, last_parts = name_parts(first), name_parts(last)
        return (first_parts[0] if first_parts else "", " ".join(last_parts))
    parts = name_parts(value)
    if not parts:
        return "", ""
    if len(parts) == 1:
        return "", parts[0]
    return parts[0], parts[-1]


def normalize_first_name(value: str) -> str:
    parts = name_parts(value)
    return parts[0] if parts else ""


def normalize_last_name(value: str) -> str:
    """Compound surnames keep their parts, space-separated ("García-López" → "garcia lopez")."""
    return " ".join(name_parts(value))


def name_suffix(*values: str) -> str:
    """The generational suffix written in any of the name fields ("Smith Jr." → "jr")."""
    for value in values:
        for word in name_tokens(value):
            if word in GENERATION_SUFFIXES:
                return GENERATION_SUFFIXES[word]
    return ""


def record_from_fields(values: dict[str, str]) -> PersonRecord:
    """A normalised record from raw values keyed by FIELDS (absent keys are unknown)."""
    first = normalize_first_name(values.get("first_name", ""))
    last = normalize_last_name(values.get("last_name", ""))
    if values.get("full_name") and not (first and last):
        full_first, full_last = split_full_name(values["full_name"])
        first, last = first or full_first, last or full_last
    year, month, day = parse_date_parts(values.get("dob", ""))
    if not year:
        year = parse_year(values.get("birth_year", ""))
    return PersonRecord(
        first_name=first,
        last_name=last,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        sex=normalize_sex(values.get("sex", "")),
        address=normalize_address(values.get("address", "")),
        town=normalize_place(values.get("town", "")),
        postcode=normalize_code(values.get("postcode", "")),
        phone=normalize_phone(values.get("phone", "")),
        external_id=normalize_code(values.get("external_id", "")),
        suffix=name_suffix(
            values.get("first_name", ""), values.get("last_name", ""), values.get("full_name", "")
        ),
    )
