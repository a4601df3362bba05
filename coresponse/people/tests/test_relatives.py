"""Twins and one person whose first name was mis-recorded, told apart from the list itself.

The twin-like pattern (one family at one home, the same birth date, first names that are
not the same name by any measure, no agreeing external id) is refused outright only where
the list cannot say how common it is among duplicates; a list can say it when enough pairs
of a family at a home agree on an external id (`estimate_relatives`).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from coresponse.people.linkage import record_from_fields
from coresponse.people.linkage.blocking import candidate_pairs
from coresponse.people.linkage.comparisons import (
    COMPARISON_BY_NAME,
    PairLevels,
    RecordTable,
    compare_pairs,
)
from coresponse.people.linkage.dedupe import (
    active_comparisons,
    estimate_relatives,
    link_people,
    twin_pattern,
)
from coresponse.people.linkage.model import MatchModel, default_model

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
TWIN = {**BASE, "first_name": "Margaret"}


def probability(left: dict[str, str], right: dict[str, str], model: MatchModel) -> float:
    probabilities, _ = link_people(
        record_from_fields(left), [record_from_fields(right)], model=model
    )
    return float(probabilities[0])


def model_with(relatives_bits: float | None) -> MatchModel:
    model = default_model()
    model.relatives_bits = relatives_bits
    return model


def odds_to_probability(bits: float) -> float:
    return 1.0 / (1.0 + 2.0**-bits)


def test_twins_are_refused_where_the_list_could_not_be_asked() -> None:
    found = probability(BASE, TWIN, model_with(None))
    assert found == pytest.approx(0.0011, abs=1e-4)


def test_twin_like_pair_matches_when_the_list_has_no_more_of_them_than_errors_explain() -> None:
    # FEBRL's duplicates: first name and identifier replaced, all else the same.
    left = {
        "first_name": "Teaha",
        "last_name": "Thorpe",
        "dob": "19480423",
        "address": "buvelot st",
        "town": "moonah west",
        "postcode": "7320",
        "external_id": "5430135",
    }
    right = {**left, "first_name": "Dylan", "external_id": "1638460"}
    assert probability(left, right, model_with(math.inf)) >= 0.9
    assert probability(left, right, model_with(None)) < 0.001


def test_same_sex_twins_stay_below_the_threshold_at_the_estimated_odds() -> None:
    model = model_with(2.0)
    same_sex_bits = 2.0 + float(model.weights("sex")[1])
    found = probability(BASE, TWIN, model)
    # The unrelated class adds nothing measurable: the household agrees on every field.
    assert found == pytest.approx(odds_to_probability(same_sex_bits), abs=1e-6)
    assert found == pytest.approx(0.8887, abs=1e-4)
    assert found < 0.9


def test_twins_of_another_sex_or_with_other_ids_are_refused() -> None:
    model = model_with(2.0)
    assert probability(BASE, {**TWIN, "sex": "M"}, model) < 0.001
    with_ids = probability(
        {**BASE, "external_id": "PR-448812"}, {**TWIN, "external_id": "PR-901377"}, model
    )
    expected_bits = 2.0 + float(model.weights("sex")[1]) + float(model.weights("external_id")[3])
    assert with_ids == pytest.approx(odds_to_probability(expected_bits), abs=1e-6)
    assert with_ids == pytest.approx(0.2119, abs=1e-4)


def test_a_misspelt_first_name_is_not_twin_like_even_where_relatives_abound() -> None:
    model = model_with(-10.0)
    for change in ("Katherien", "Kathy", "Cathy", "K"):
        assert probability(BASE, {**BASE, "first_name": change}, model) >= 0.9, change


def _levels(rows: list[tuple[int, int]]) -> PairLevels:
    """Pairs of one family at one home with the given (first name, external id) levels."""
    names = ("first_name", "last_name", "dob", "address", "external_id")
    matrix = np.array([(first, 1, 1, 1, external) for first, external in rows], dtype=np.int8)
    return PairLevels(
        comparisons=tuple(COMPARISON_BY_NAME[name] for name in names),
        levels=matrix,
        swapped=np.zeros(len(rows), dtype=bool),
        suffix_differs=np.zeros(len(rows), dtype=bool),
    )


def _estimate(twin_like: int) -> tuple[float, float | None]:
    model = default_model()
    model.m["external_id"] = [0.0, 0.9, 0.05, 0.05]
    # 200 anchors (external id agrees), 10 of them with another first name: q = 0.05;
    # 190 + 760 pairs whose first names agree: errors explain 950 × 0.05 / 0.95 = 50
    # twin-like pairs, of which 5% keep no agreeing external id: 2.5 expected.
    rows = [(1, 1)] * 190 + [(6, 1)] * 10 + [(1, 3)] * 760 + [(6, 3)] * twin_like
    table = RecordTable(
        [record_from_fields({"external_id": "A1"}), record_from_fields({"external_id": "B2"})]
    )
    estimate = estimate_relatives(model, table, _levels(rows))
    assert estimate.anchors == 200
    assert estimate.first_name_differs == pytest.approx(0.05)
    assert estimate.others == 950
    assert estimate.observed == twin_like
    return estimate.expected_from_errors, estimate.relatives_bits


def test_no_relatives_when_twin_like_pairs_are_within_two_deviations_of_the_errors() -> None:
    # 2.5 + 2·sqrt(2.5) = 5.66: five twin-like pairs are what errors produce.
    expected, bits = _estimate(5)
    assert expected == pytest.approx(2.5)
    assert bits == math.inf


def test_relatives_are_counted_from_the_excess_of_twin_like_pairs() -> None:
    # 40 observed − 2.5 explained = 37.5 relatives; odds 50 : 37.5 before sex and ids.
    expected, bits = _estimate(40)
    assert expected == pytest.approx(2.5)
    assert bits == pytest.approx(math.log2(50 / 37.5))


def test_too_few_anchors_leave_the_conservative_rule() -> None:
    model = default_model()
    table = RecordTable([record_from_fields({"external_id": "A1"})])
    estimate = estimate_relatives(model, table, _levels([(1, 1)] * 99 + [(6, 3)] * 40))
    assert estimate.anchors == 99
    assert estimate.relatives_bits is None


def test_twin_pattern_needs_a_shared_home() -> None:
    left = record_from_fields({**BASE, "phone": ""})
    moved = record_from_fields({**TWIN, "phone": "", "address": "40 Elm St", "postcode": "02030"})
    at_home = record_from_fields({**TWIN, "phone": ""})
    table = RecordTable([left, moved, at_home])

    levels = compare_pairs(
        table,
        np.array([0, 0], dtype=np.int64),
        np.array([1, 2], dtype=np.int64),
        active_comparisons(set(BASE)),
    )
    assert twin_pattern(levels).tolist() == [False, True]


def test_records_sharing_postcode_and_street_are_compared_whatever_their_names() -> None:
    # A FEBRL duplicate whose names were both replaced and whose birth date is missing.
    records = [
        record_from_fields(
            {"first_name": "jacobie", "last_name": "tilleq", "address": "studley steet",
             "postcode": "4869", "external_id": "4137877"}
        ),
        record_from_fields(
            {"first_name": "blake", "last_name": "moody", "address": "studley st",
             "postcode": "4869", "external_id": "4137787"}
        ),
        record_from_fields(
            {"first_name": "blake", "last_name": "moody", "address": "9 river rd",
             "postcode": "4870"}
        ),
    ]  # fmt: skip
    candidates = candidate_pairs(records)
    assert list(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True)) == [
        (0, 1),
        (1, 2),
    ]
    assert candidates.by_rule["postcode + street"].tolist() == [1]
