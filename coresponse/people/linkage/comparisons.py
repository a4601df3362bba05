"""Vectorised comparison of record pairs into agreement levels.

Every comparison maps a pair to a level: 0 when either side is unknown (no evidence either
way), then 1 for the strongest agreement down to the last level for disagreement. String
similarities are computed once per distinct pair of values (names repeat a lot), with
rapidfuzz's parallel pairwise scorers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.process import cpdist

from coresponse.people.linkage.records import PersonRecord
from coresponse.people.names import nickname_group_ids, phonetic_key

IntArray = npt.NDArray[np.int64]
LevelArray = npt.NDArray[np.int8]


@dataclass(frozen=True)
class Comparison:
    """One compared field: its levels' labels (index = level; 0 = unknown)."""

    name: str
    labels: tuple[str, ...]

    @property
    def level_count(self) -> int:
        return len(self.labels)


COMPARISONS: tuple[Comparison, ...] = (
    Comparison(
        "first_name",
        ("unknown", "exact", "nickname", "typo", "similar", "initial", "different"),
    ),
    Comparison("last_name", ("unknown", "exact", "compound part", "typo", "similar", "different")),
    Comparison(
        "dob",
        (
            "unknown",
            "exact",
            "day and month swapped",
            "one digit off",
            "agrees where known",
            "same year",
            "1–9 years apart",
            "10+ years apart",
        ),
    ),
    Comparison("sex", ("unknown", "same", "different")),
    Comparison("address", ("unknown", "exact", "similar", "different")),
    Comparison("town", ("unknown", "exact", "similar", "different")),
    Comparison("postcode", ("unknown", "exact", "one character off", "different")),
    Comparison("phone", ("unknown", "exact", "last 7 digits or one digit off", "different")),
    Comparison("external_id", ("unknown", "exact", "one or two characters off", "different")),
)
COMPARISON_BY_NAME = {comparison.name: comparison for comparison in COMPARISONS}
# Which record fields feed each comparison (a comparison is used when any is present).
COMPARISON_FIELDS = {
    "first_name": ("first_name", "full_name"),
    "last_name": ("last_name", "full_name"),
    "dob": ("dob", "birth_year"),
    "sex": ("sex",),
    "address": ("address",),
    "town": ("town",),
    "postcode": ("postcode",),
    "phone": ("phone",),
    "external_id": ("external_id",),
}


class RecordTable:
    """Records as columns: strings factorised to integer codes, dates as integers.

    First and last names share one vocabulary, so a first name can be compared with a
    last name (swapped names) by code.
    """

    def __init__(self, records: Sequence[PersonRecord]) -> None:
        self.size = len(records)
        self.codes: dict[str, IntArray] = {}
        self._values: dict[str, list[str]] = {}
        self._vocabularies: dict[str, Vocabulary] = {}
        name_index: dict[str, int] = {"": 0}
        name_values = [""]
        for name in ("first_name", "last_name"):
            self.codes[name] = self._factorise(
                [getattr(record, name) for record in records], name_index, name_values
            )
            self._values[name] = name_values
        for name in ("sex", "address", "town", "postcode", "phone", "external_id", "suffix"):
            values = [""]
            self.codes[name] = self._factorise(
                [getattr(record, name) for record in records], {"": 0}, values
            )
            self._values[name] = values
        self.year = np.array([record.birth_year for record in records], dtype=np.int64)
        self.month = np.array([record.birth_month for record in records], dtype=np.int64)
        self.day = np.array([record.birth_day for record in records], dtype=np.int64)

    @staticmethod
    def _factorise(values: list[str], index: dict[str, int], uniques: list[str]) -> IntArray:
        codes = np.empty(len(values), dtype=np.int64)
        for position, value in enumerate(values):
            code = index.get(value)
            if code is None:
                code = index[value] = len(uniques)
                uniques.append(value)
            codes[position] = code
        return codes

    def values(self, name: str) -> list[str]:
        return self._values[name]

    def vocabulary(self, name: str) -> Vocabulary:
        key = "name" if name in ("first_name", "last_name") else name
        if key not in self._vocabularies:
            self._vocabularies[key] = Vocabulary(self._values[name])
        return self._vocabularies[key]


GROUP_SLOTS = 4
PARALLEL_FROM = 20_000


class Vocabulary:
    """Distinct values of a column with per-value features computed once."""

    def __init__(self, values: list[str]) -> None:
        self.values = values
        self.lengths = np.array([len(value) for value in values], dtype=np.int64)
        phonetic: dict[str, int] = {"": 0}
        self.sounds = np.array(
            [phonetic.setdefault(phonetic_key(value), len(phonetic)) for value in values],
            dtype=np.int64,
        )
        self.initials = np.array([ord(value[0]) if value else 0 for value in values])
        group_index: dict[str, int] = {}
        self.groups = np.full((len(values), GROUP_SLOTS), -1, dtype=np.int64)
        for position, value in enumerate(values):
            for slot, group in enumerate(sorted(nickname_group_ids(value))[:GROUP_SLOTS]):
                self.groups[position, slot] = group_index.setdefault(group, len(group_index))
        # Distinct negative fillers so two names without groups never "share" one.
        self.groups[self.groups < 0] = -1 - np.arange(np.count_nonzero(self.groups < 0))

    def share_group(self, low: IntArray, high: IntArray) -> npt.NDArray[np.bool_]:
        left, right = self.groups[low], self.groups[high]
        return (left[:, :, None] == right[:, None, :]).any(axis=(1, 2))


LevelFunction = Callable[[Vocabulary, IntArray, IntArray], LevelArray]


def _per_distinct_pair(
    left_codes: IntArray,
    right_codes: IntArray,
    vocabulary: Vocabulary,
    levels_of: LevelFunction,
) -> LevelArray:
    """Apply `levels_of` once per distinct (left value, right value) and spread the result."""
    known = (left_codes > 0) & (right_codes > 0)
    result = np.zeros(len(left_codes), dtype=np.int8)
    if not known.any():
        return result
    size = len(vocabulary.values) + 1
    low = np.minimum(left_codes[known], right_codes[known])
    high = np.maximum(left_codes[known], right_codes[known])
    distinct, inverse = np.unique(low * size + high, return_inverse=True)
    levels = levels_of(vocabulary, distinct // size, distinct % size)
    result[known] = levels[inverse]
    return result


def _similarity(
    vocabulary: Vocabulary, low: IntArray, high: IntArray, scorer: Callable[..., float]
) -> np.ndarray:
    values = vocabulary.values
    return np.asarray(
        cpdist(
            [values[code] for code in low],
            [values[code] for code in high],
            scorer=scorer,
            # Threads only pay off on big batches; a lookup's few hundred pairs run inline.
            workers=-1 if len(low) >= PARALLEL_FROM else 1,
        ),
        dtype=np.float64,
    )


def _edit_distance(vocabulary: Vocabulary, low: IntArray, high: IntArray) -> np.ndarray:
    return _similarity(vocabulary, low, high, DamerauLevenshtein.distance).astype(np.int64)


def first_name_levels(vocabulary: Vocabulary, low: IntArray, high: IntArray) -> LevelArray:
    jaro = _similarity(vocabulary, low, high, JaroWinkler.normalized_similarity)
    edits = _edit_distance(vocabulary, low, high)
    lengths = np.minimum(vocabulary.lengths[low], vocabulary.lengths[high])
    initial = (lengths == 1) & (vocabulary.initials[low] == vocabulary.initials[high])
    sounds = vocabulary.sounds[low] == vocabulary.sounds[high]
    return np.select(
        [
            low == high,
            vocabulary.share_group(low, high),
            (jaro >= 0.92) | ((edits <= 1) & (lengths >= 4)),
            (jaro >= 0.82) | sounds,
            initial,
        ],
        [1, 2, 3, 4, 5],
        default=6,
    ).astype(np.int8)


def last_name_levels(vocabulary: Vocabulary, low: IntArray, high: IntArray) -> LevelArray:
    jaro = _similarity(vocabulary, low, high, JaroWinkler.normalized_similarity)
    edits = _edit_distance(vocabulary, low, high)
    lengths = np.minimum(vocabulary.lengths[low], vocabulary.lengths[high])
    values = vocabulary.values
    compound = np.array(
        [
            (" " in values[a] or " " in values[b])
            and bool(set(values[a].split()) & set(values[b].split()))
            for a, b in zip(low.tolist(), high.tolist(), strict=True)
        ],
        dtype=bool,
    )
    sounds = vocabulary.sounds[low] == vocabulary.sounds[high]
    return np.select(
        [
            low == high,
            compound,
            (jaro >= 0.92) | ((edits <= 1) & (lengths >= 4)),
            (jaro >= 0.82) | sounds,
        ],
        [1, 2, 3, 4],
        default=5,
    ).astype(np.int8)


def _generic_levels(scorer: Callable[..., float], similar_at: float) -> LevelFunction:
    def levels(vocabulary: Vocabulary, low: IntArray, high: IntArray) -> LevelArray:
        similar = _similarity(vocabulary, low, high, scorer) >= similar_at
        return np.select([low == high, similar], [1, 2], default=3).astype(np.int8)

    return levels


def _exact_levels(vocabulary: Vocabulary, low: IntArray, high: IntArray) -> LevelArray:
    return np.where(low == high, 1, 2).astype(np.int8)


def _edits_levels(max_edits: int, min_length: int) -> LevelFunction:
    def levels(vocabulary: Vocabulary, low: IntArray, high: IntArray) -> LevelArray:
        lengths = np.minimum(vocabulary.lengths[low], vocabulary.lengths[high])
        close = (_edit_distance(vocabulary, low, high) <= max_edits) & (lengths >= min_length)
        return np.select([low == high, close], [1, 2], default=3).astype(np.int8)

    return levels


def _phone_levels(vocabulary: Vocabulary, low: IntArray, high: IntArray) -> LevelArray:
    values = vocabulary.values
    close = np.array(
        [
            values[a][-7:] == values[b][-7:]
            for a, b in zip(low.tolist(), high.tolist(), strict=True)
        ],
        dtype=bool,
    )
    close |= _edit_distance(vocabulary, low, high) <= 1
    return np.select([low == high, close], [1, 2], default=3).astype(np.int8)


def _digits(year: IntArray, month: IntArray, day: IntArray) -> IntArray:
    number = year * 10000 + month * 100 + day
    return np.stack([(number // 10**power) % 10 for power in range(7, -1, -1)], axis=1)


def dob_levels(table: RecordTable, left: IntArray, right: IntArray) -> LevelArray:
    y1, m1, d1 = table.year[left], table.month[left], table.day[left]
    y2, m2, d2 = table.year[right], table.month[right], table.day[right]
    known = (y1 > 0) & (y2 > 0)
    full = (m1 > 0) & (d1 > 0) & (m2 > 0) & (d2 > 0)
    same_year = y1 == y2
    exact = full & same_year & (m1 == m2) & (d1 == d2)
    swapped = full & same_year & (m1 == d2) & (d1 == m2) & (m1 != d1)
    differing = _digits(y1, m1, d1) != _digits(y2, m2, d2)
    positions = differing.sum(axis=1)
    first_diff = differing.argmax(axis=1)
    digits1, digits2 = _digits(y1, m1, d1), _digits(y2, m2, d2)
    rows = np.arange(len(left))
    next_position = np.minimum(first_diff + 1, 7)
    transposed = (
        (positions == 2)
        & differing[rows, next_position]
        & (digits1[rows, first_diff] == digits2[rows, next_position])
        & (digits1[rows, next_position] == digits2[rows, first_diff])
    )
    one_digit = full & ((positions == 1) | transposed)
    compatible = (
        same_year
        & ((m1 == 0) | (m2 == 0) | (m1 == m2))
        & ((d1 == 0) | (d2 == 0) | (d1 == d2) | (m1 == 0) | (m2 == 0))
    )
    gap = np.abs(y1 - y2)
    levels = np.select(
        [~known, exact, swapped, one_digit, compatible, same_year, gap < 10],
        [0, 1, 2, 3, 4, 5, 6],
        default=7,
    )
    return levels.astype(np.int8)


_STRING_LEVELS: dict[str, LevelFunction] = {
    "sex": _exact_levels,
    "address": _generic_levels(fuzz.token_set_ratio, 85.0),
    "town": _generic_levels(JaroWinkler.normalized_similarity, 0.9),
    "postcode": _edits_levels(1, 4),
    "phone": _phone_levels,
    "external_id": _edits_levels(2, 4),
}


def _names(
    table: RecordTable, left: IntArray, right: IntArray
) -> tuple[LevelArray, LevelArray, npt.NDArray[np.bool_]]:
    """First- and last-name levels, taking the swapped reading when it agrees better."""
    first_codes, last_codes = table.codes["first_name"], table.codes["last_name"]
    vocabulary = table.vocabulary("first_name")
    first = _per_distinct_pair(first_codes[left], first_codes[right], vocabulary, first_name_levels)
    last = _per_distinct_pair(last_codes[left], last_codes[right], vocabulary, last_name_levels)
    direct_bad = (first > 3) | (last > 3)
    cross_one = np.zeros_like(first)
    cross_two = np.zeros_like(first)
    if direct_bad.any():
        rows = np.flatnonzero(direct_bad)
        cross_one[rows] = _per_distinct_pair(
            first_codes[left[rows]], last_codes[right[rows]], vocabulary, first_name_levels
        )
        cross_two[rows] = _per_distinct_pair(
            last_codes[left[rows]], first_codes[right[rows]], vocabulary, first_name_levels
        )
    cross_good = (cross_one >= 1) & (cross_one <= 3) & (cross_two >= 1) & (cross_two <= 3)
    use_cross = direct_bad & cross_good
    first = np.where(use_cross, cross_one, first).astype(np.int8)
    last = np.where(use_cross, np.minimum(cross_two, 4), last).astype(np.int8)
    return first, last, use_cross


@dataclass
class PairLevels:
    """Agreement levels of compared pairs: one column per active comparison."""

    comparisons: tuple[Comparison, ...]
    levels: LevelArray  # shape (pairs, comparisons)
    swapped: npt.NDArray[np.bool_]
    # Both records carry a generational suffix, or one does, and they differ.
    suffix_differs: npt.NDArray[np.bool_] | None = None


def compare_pairs(
    table: RecordTable,
    left: IntArray,
    right: IntArray,
    comparisons: Sequence[Comparison],
) -> PairLevels:
    """Levels of every (left[i], right[i]) pair for the given comparisons."""
    columns: list[LevelArray] = []
    swapped = np.zeros(len(left), dtype=bool)
    name_levels: dict[str, LevelArray] = {}
    if {"first_name", "last_name"} & {comparison.name for comparison in comparisons}:
        first_levels, last_levels, swapped = _names(table, left, right)
        name_levels = {"first_name": first_levels, "last_name": last_levels}
    for comparison in comparisons:
        if comparison.name in name_levels:
            columns.append(name_levels[comparison.name])
        elif comparison.name == "dob":
            columns.append(dob_levels(table, left, right))
        else:
            codes = table.codes[comparison.name]
            columns.append(
                _per_distinct_pair(
                    codes[left],
                    codes[right],
                    table.vocabulary(comparison.name),
                    _STRING_LEVELS[comparison.name],
                )
            )
    levels = np.stack(columns, axis=1) if columns else np.zeros((len(left), 0), dtype=np.int8)
    suffixes = table.codes["suffix"]
    return PairLevels(
        comparisons=tuple(comparisons),
        levels=levels,
        swapped=swapped,
        suffix_differs=suffixes[left] != suffixes[right],
    )
