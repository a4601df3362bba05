"""Blocking: which pairs are compared at all.

A pair is a candidate when the two records share at least one blocking key. Keys are
chosen so that each kind of field error still leaves some key intact: a typo in the last
name leaves the first name's sound, swapped names leave the unordered pair of sounds, a
changed surname leaves the date of birth. Blocks above MAX_BLOCK records (a key too common
to tell anyone apart) are skipped and counted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from coresponse.people.linkage.records import PersonRecord
from coresponse.people.names import nickname_group_ids, phonetic_key

MAX_BLOCK = 400
IntArray = npt.NDArray[np.int64]


def _initial(value: str) -> str:
    return value[:1]


def _street(address: str) -> str:
    """The first word of an address that is not a house number ("12 prospect st" → prospect).

    A typo in the street type or in a later word leaves it intact."""
    for word in address.split():
        if not any(character.isdigit() for character in word) and len(word) >= 3:
            return word
    return ""


def _first_group(record: PersonRecord) -> str:
    groups = nickname_group_ids(record.first_name)
    return min(groups) if groups else record.first_name


BlockingKey = Callable[[PersonRecord], str]


def _key(*parts: str) -> str:
    """A key only when every part is known."""
    return "|".join(parts) if all(parts) else ""


BLOCKING_RULES: dict[str, BlockingKey] = {
    "external id": lambda r: r.external_id,
    "phone": lambda r: r.phone,
    "date of birth": lambda r: (
        _key(str(r.birth_year), str(r.birth_month), str(r.birth_day)) if r.birth_day else ""
    ),
    "last name sound + first initial": lambda r: _key(
        phonetic_key(r.last_name), _initial(r.first_name)
    ),
    "first name sound + last initial": lambda r: _key(
        phonetic_key(r.first_name), _initial(r.last_name)
    ),
    "first name group + birth year": lambda r: _key(
        _first_group(r), str(r.birth_year) if r.birth_year else ""
    ),
    "postcode + first initial": lambda r: _key(r.postcode, _initial(r.first_name)),
    "names in either order": lambda r: _key(
        *sorted((phonetic_key(r.first_name), phonetic_key(r.last_name)))
    ),
    "last name + birth year": lambda r: _key(
        r.last_name, str(r.birth_year) if r.birth_year else ""
    ),
    "address + postcode": lambda r: _key(r.address, r.postcode),
    "last name sound + postcode": lambda r: _key(phonetic_key(r.last_name), r.postcode),
    # Both names and the birth date may be wrong or missing; the street rarely is.
    "postcode + street": lambda r: _key(r.postcode, _street(r.address)),
}


@dataclass
class CandidatePairs:
    left: IntArray
    right: IntArray
    skipped_blocks: int
    # Pair codes (i*n + j) found by each rule, for estimating m on one rule at a time.
    by_rule: dict[str, IntArray]


def _factorise(keys: list[str]) -> IntArray:
    index: dict[str, int] = {}
    codes = np.full(len(keys), -1, dtype=np.int64)
    for position, key in enumerate(keys):
        if key:
            codes[position] = index.setdefault(key, len(index))
    return codes


def pairs_sharing_key(codes: IntArray, *, max_block: int = MAX_BLOCK) -> tuple[IntArray, int]:
    """Pair codes (i*n + j, i < j) of records sharing a code; -1 never matches."""
    n = len(codes)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    present = sorted_codes >= 0
    values, sizes = np.unique(sorted_codes, return_counts=True)
    too_big = sizes > max_block
    group_size = np.repeat(sizes, sizes)
    allowed = present & (group_size <= max_block) & (group_size > 1)
    active = np.flatnonzero(allowed)
    chunks = []
    distance = 1
    # Walk the sorted codes at growing distances; a position drops out at the first
    # distance where its neighbour has another code, so total work equals the pair count.
    while len(active):
        partner = active + distance
        keep = partner < n
        active, partner = active[keep], partner[keep]
        same = sorted_codes[partner] == sorted_codes[active]
        active, partner = active[same], partner[same]
        if len(active):
            low = np.minimum(order[active], order[partner])
            high = np.maximum(order[active], order[partner])
            chunks.append(low * n + high)
        distance += 1
    skipped = int(np.count_nonzero(too_big & (values >= 0)))
    if not chunks:
        return np.zeros(0, dtype=np.int64), skipped
    return np.concatenate(chunks), skipped


def candidate_pairs(
    records: Sequence[PersonRecord],
    *,
    rules: dict[str, BlockingKey] | None = None,
    max_block: int = MAX_BLOCK,
) -> CandidatePairs:
    """Every pair of records that shares at least one blocking key (each pair once)."""
    n = len(records)
    by_rule: dict[str, IntArray] = {}
    skipped = 0
    for name, key_of in (rules or BLOCKING_RULES).items():
        codes, skipped_here = pairs_sharing_key(
            _factorise([key_of(record) for record in records]), max_block=max_block
        )
        by_rule[name] = codes
        skipped += skipped_here
    merged = (
        np.unique(np.concatenate(list(by_rule.values())))
        if by_rule
        else np.zeros(0, dtype=np.int64)
    )
    width = max(n, 1)
    return CandidatePairs(
        left=merged // width, right=merged % width, skipped_blocks=skipped, by_rule=by_rule
    )
