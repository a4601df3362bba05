"""Ids from URLs and forms: only ASCII digits that fit a database integer are ids."""

from __future__ import annotations

import pytest
from django.test import Client

from coresponse.common.ids import lookup_id, parse_id
from coresponse.common.testing import log_in


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        ("0", 0),
        ("999999999999999999", 999_999_999_999_999_999),
        ("1000000000000000000", None),  # 19 digits: larger than any row id
        ("¹", None),  # superscript one: isdigit() says yes, int() refuses
        ("٣", None),  # Arabic-Indic three
        ("-1", None),
        (" 7", None),
        ("7\n", None),
        ("", None),
        (None, None),
        (7, 7),
        (True, None),
    ],
)
def test_parse_id_accepts_only_ascii_digits_of_a_database_integer(raw, expected):
    assert parse_id(raw) == expected


def test_lookup_id_gives_an_id_no_row_has_for_anything_else():
    assert lookup_id("12") == 12
    assert lookup_id("¹") == -1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/follow-ups/¹/",
        "/api/v1/referrals/¹/",
        "/api/v1/follow-ups/99999999999999999999999/",
    ],
)
def test_api_ids_that_are_not_ids_find_nothing(world, path):
    client = log_in(Client(), world.clinician)
    response = client.get(path)
    assert response.status_code == 404


def test_the_encounter_form_ignores_a_person_that_is_not_an_id(world):
    client = log_in(Client(), world.clinician)
    response = client.get("/encounters/new/", {"person": "¹"})
    assert response.status_code == 200


def test_the_favicon_path_points_at_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/coresponse/favicon.svg"
