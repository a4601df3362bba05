"""The matching engine on hand-built pairs: each kind of field error matches, near misses don't."""

from __future__ import annotations

import pytest

from coresponse.people.linkage import record_from_fields
from coresponse.people.linkage.dedupe import link_people
from coresponse.people.linkage.records import parse_date_parts, split_full_name
from coresponse.people.names import are_nickname_pair, names_for_prefix

BASE = {
    "first_name": "Katherine",
    "last_name": "Sullivan",
    "dob": "1979-04-12",
    "sex": "F",
    "address": "12 Prospect Street",
    "town": "Ashford",
    "postcode": "01701",
    "phone": "(508) 555-0142",
}


def probability(left: dict[str, str], right: dict[str, str]) -> float:
    probabilities, _ = link_people(record_from_fields(left), [record_from_fields(right)])
    return float(probabilities[0])


SAME_PERSON = {
    "typo in the last name": {"last_name": "Sulivan"},
    "transposed letters": {"first_name": "Katherien"},
    "nickname": {"first_name": "Kathy"},
    "nickname with another spelling": {"first_name": "Cathy"},
    "first and last names swapped": {"first_name": "Sullivan", "last_name": "Katherine"},
    "hyphenated surname": {"last_name": "Sullivan-Reyes"},
    "year of birth only": {"dob": "1979"},
    "day and month swapped": {"dob": "1979-12-04"},
    "one digit of the date wrong": {"dob": "1979-04-13"},
    "another address in the same town": {"address": "40 Elm St"},
    "abbreviated street": {"address": "12 prospect st"},
    "phone written differently": {"phone": "1-508-555-0142"},
    "sex unknown": {"sex": ""},
}


@pytest.mark.parametrize("change", SAME_PERSON.values(), ids=SAME_PERSON.keys())
def test_each_kind_of_field_error_still_matches(change: dict[str, str]) -> None:
    assert probability(BASE, {**BASE, **change}) >= 0.9


def test_compound_surname_matches_either_part() -> None:
    left = {**BASE, "last_name": "García-López"}
    assert probability(left, {**BASE, "last_name": "Lopez"}) >= 0.9
    assert probability(left, {**BASE, "last_name": "Garcia Lopez"}) >= 0.9


def test_external_id_links_a_record_with_little_else() -> None:
    left = {"first_name": "Kathy", "last_name": "Sullivan", "external_id": "PR-448812"}
    right = {"first_name": "K", "last_name": "Sulivan", "external_id": "pr448812"}
    assert probability(left, right) >= 0.9


NOT_THE_SAME = {
    "twins with different first names": (
        BASE,
        {**BASE, "first_name": "Margaret"},
    ),
    "father and son, Jr., different birth years": (
        {**BASE, "first_name": "Robert", "sex": "M", "dob": "1950-02-03"},
        {
            **BASE,
            "first_name": "Robert",
            "last_name": "Sullivan Jr.",
            "sex": "M",
            "dob": "1978-06-09",
        },
    ),
    "common name, different dates of birth and addresses": (
        {"first_name": "John", "last_name": "Smith", "dob": "1980-01-02", "address": "1 Main St"},
        {"first_name": "John", "last_name": "Smith", "dob": "1964-09-17", "address": "9 Oak Ave"},
    ),
    "same surname and address, other person": (
        {**BASE, "first_name": "Katherine", "dob": "1979-04-12"},
        {**BASE, "first_name": "Thomas", "sex": "M", "dob": "1952-11-30"},
    ),
    "similar name, different everything else": (
        BASE,
        {
            "first_name": "Kathleen",
            "last_name": "Sullivan",
            "dob": "1991-08-23",
            "sex": "F",
            "address": "7 Water St",
            "town": "Dover",
            "postcode": "02030",
            "phone": "(508) 555-9911",
        },
    ),
}


@pytest.mark.parametrize("pair", NOT_THE_SAME.values(), ids=NOT_THE_SAME.keys())
def test_near_misses_do_not_match(pair: tuple[dict[str, str], dict[str, str]]) -> None:
    assert probability(*pair) < 0.5


def test_dates_are_parsed_in_every_common_shape() -> None:
    assert parse_date_parts("1979-04-12") == (1979, 4, 12)
    assert parse_date_parts("19790412") == (1979, 4, 12)
    assert parse_date_parts("04/12/1979") == (1979, 4, 12)
    assert parse_date_parts("12.04.1979") == (1979, 4, 12)
    assert parse_date_parts("1979-04") == (1979, 4, 0)
    assert parse_date_parts("1979") == (1979, 0, 0)
    assert parse_date_parts("1979-13-04") == (1979, 4, 13)
    assert parse_date_parts("unknown") == (0, 0, 0)


def test_full_names_split_in_both_orders() -> None:
    assert split_full_name("Kathy Sullivan") == ("kathy", "sullivan")
    assert split_full_name("Sullivan, Kathy") == ("kathy", "sullivan")
    assert split_full_name("Mr. John Q. Smith Jr.") == ("john", "smith")


def test_three_letters_reach_formal_names_and_nicknames() -> None:
    found = names_for_prefix("kat")
    assert {"katherine", "kathy", "cathy", "catherine", "kate"} <= found
    assert are_nickname_pair("Bill", "William")
    assert not are_nickname_pair("Michael", "Matthew")
