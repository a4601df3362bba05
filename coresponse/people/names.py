"""Name normalisation, phonetic keys and the nickname table used by the person lookup."""

from __future__ import annotations

import csv
import functools
import unicodedata
from pathlib import Path

import jellyfish

_NICKNAMES_FILE = Path(__file__).parent / "data" / "nicknames.csv"


def normalize_name(value: str) -> str:
    """Lower-case ASCII letters only: "O'Brien-Smith " → "obriensmith"."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return "".join(char for char in decomposed.lower() if "a" <= char <= "z")


def name_tokens(value: str) -> list[str]:
    """The normalised words of a free-text name ("Mary-Jo  Smith" → ["mary", "jo", "smith"])."""
    words = []
    for raw in (value or "").replace("-", " ").replace(",", " ").split():
        word = normalize_name(raw)
        if word:
            words.append(word)
    return words


def phonetic_key(value: str) -> str:
    """A Metaphone key of the normalised name, so spelling variants share an index entry."""
    normalized = normalize_name(value)
    return jellyfish.metaphone(normalized)[:20] if normalized else ""


@functools.cache
def _nickname_groups() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    with _NICKNAMES_FILE.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names = {row["name"], *row["nicknames"].split()}
            for name in names:
                groups.setdefault(name, set()).update(names)
    return {name: frozenset(names) for name, names in groups.items()}


def name_variants(name: str) -> frozenset[str]:
    """The name itself plus the formal names and nicknames it is known to stand for."""
    normalized = normalize_name(name)
    if not normalized:
        return frozenset()
    return _nickname_groups().get(normalized, frozenset()) | {normalized}


def are_nickname_pair(first: str, second: str) -> bool:
    """True when one name is a known nickname or formal form of the other."""
    a, b = normalize_name(first), normalize_name(second)
    return a != b and b in name_variants(a)
