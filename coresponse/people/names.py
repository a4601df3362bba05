"""Name normalisation, phonetic keys and the nickname table used by person matching.

Nicknames come from two sources: the curated English table of the `nicknames` package
(Carlton Northern and Nick Crews, Apache-2.0) and our own `data/nicknames.csv`, which adds
spelling variants clinicians meet in the field (Katherine/Catherine/Kathryn, Jon/John…).
Two names are "nickname-equivalent" when they belong to a common group: a formal name and
everything known to stand for it.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jellyfish

_NICKNAMES_FILE = Path(__file__).parent / "data" / "nicknames.csv"

# Generational suffixes and titles carry no identity of their own in a name field.
NAME_NOISE = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "mr", "mrs", "ms", "miss", "dr", "junior", "senior"}
)


GENERATION_SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "sr": "sr",
    "senior": "sr",
    "ii": "ii",
    "iii": "iii",
    "iv": "iv",
}


def normalize_name(value: str) -> str:
    """Lower-case ASCII letters only: "O'Brien-Smith " → "obriensmith"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(char for char in decomposed.lower() if "a" <= char <= "z")


def name_tokens(value: str) -> list[str]:
    """The normalised words of a free-text name ("Mary-Jo  Smith" → ["mary", "jo", "smith"])."""
    words = []
    for raw in (value or "").replace("-", " ").replace(",", " ").replace(".", " ").split():
        word = normalize_name(raw)
        if word:
            words.append(word)
    return words


def name_parts(value: str) -> list[str]:
    """The words of a name without titles and Jr./Sr. ("Mary-Jo Smith Jr." → mary, jo, smith)."""
    return [word for word in name_tokens(value) if word not in NAME_NOISE]


@functools.lru_cache(maxsize=65_536)
def phonetic_key(value: str) -> str:
    """A Metaphone key of the normalised name, so spelling variants share an index entry."""
    normalized = normalize_name(value)
    return jellyfish.metaphone(normalized)[:20] if normalized else ""


def _read_groups(pairs: Iterable[tuple[str, str]], groups: dict[str, set[str]]) -> None:
    for formal, nickname in pairs:
        if formal and nickname:
            groups.setdefault(formal, {formal}).add(nickname)


def _package_pairs() -> list[tuple[str, str]]:
    from nicknames import NickNamer

    pairs = []
    for formal, nicknames in NickNamer().nickname_lookup.items():
        pairs.extend((normalize_name(formal), normalize_name(name)) for name in nicknames)
    return pairs


def _local_pairs() -> list[tuple[str, str]]:
    pairs = []
    with _NICKNAMES_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            formal = normalize_name(row["name"])
            pairs.extend((formal, normalize_name(name)) for name in row["nicknames"].split())
    return pairs


@functools.cache
def nickname_groups() -> dict[str, frozenset[str]]:
    """Formal name → the formal name and every name known to stand for it."""
    groups: dict[str, set[str]] = {}
    _read_groups(_package_pairs(), groups)
    _read_groups(_local_pairs(), groups)
    return {formal: frozenset(members) for formal, members in groups.items()}


@functools.cache
def _groups_of_name() -> dict[str, frozenset[str]]:
    membership: dict[str, set[str]] = {}
    for formal, members in nickname_groups().items():
        for member in members:
            membership.setdefault(member, set()).add(formal)
    return {name: frozenset(formals) for name, formals in membership.items()}


@functools.lru_cache(maxsize=65_536)
def nickname_group_ids(name: str) -> frozenset[str]:
    """The formal names whose group `name` belongs to (empty when it is in no group)."""
    return _groups_of_name().get(normalize_name(name), frozenset())


def name_variants(name: str) -> frozenset[str]:
    """The name itself plus the formal names and nicknames it is known to stand for."""
    normalized = normalize_name(name)
    if not normalized:
        return frozenset()
    variants = {normalized}
    for formal in nickname_group_ids(normalized):
        variants |= nickname_groups()[formal]
    return frozenset(variants)


def are_nickname_pair(first: str, second: str) -> bool:
    """True when the two names differ but stand for the same formal name."""
    a, b = normalize_name(first), normalize_name(second)
    return a != b and bool(nickname_group_ids(a) & nickname_group_ids(b))


@functools.cache
def _all_group_names() -> tuple[str, ...]:
    return tuple(sorted(_groups_of_name()))


@functools.lru_cache(maxsize=4_096)
def names_for_prefix(prefix: str, *, limit: int = 60) -> frozenset[str]:
    """Names a typed prefix may stand for: "kat" → katherine, kathy, cathy, catherine, …

    Every group with a member starting with the prefix contributes all its members, so a
    clinician typing three letters of a nickname also finds the formal name and its other
    spellings.
    """
    normalized = normalize_name(prefix)
    if len(normalized) < 2:
        return frozenset()
    found: set[str] = set()
    for name in _all_group_names():
        if name.startswith(normalized):
            found |= name_variants(name)
            if len(found) >= limit:
                break
    return frozenset(found)
