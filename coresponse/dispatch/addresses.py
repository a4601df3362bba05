"""Address normalisation, so that "12 Prospect Street, Apt 5" and "12 PROSPECT ST #5" count as
repeat calls to the same place."""

from __future__ import annotations

import re

SUFFIXES = {
    "STREET": "ST",
    "STR": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "ROAD": "RD",
    "DRIVE": "DR",
    "LANE": "LN",
    "COURT": "CT",
    "PLACE": "PL",
    "BOULEVARD": "BLVD",
    "TERRACE": "TER",
    "CIRCLE": "CIR",
    "PARKWAY": "PKWY",
    "HIGHWAY": "HWY",
    "SQUARE": "SQ",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
}
# A unit designator and everything after it: the building is what repeats, not the flat.
_UNIT = re.compile(r"(?:\s|^)(?:APT|APARTMENT|UNIT|STE|SUITE|FL|FLOOR|RM|ROOM|BLDG)\b.*$|\s*#.*$")
_PUNCTUATION = re.compile(r"[^A-Z0-9/ ]+")
_CACHE_LIMIT = 200_000
_cache: dict[str, str] = {}


def address_key(address: str) -> str:
    """The comparable form of an address: upper case, no unit, standard suffixes; the two
    streets of an intersection ("ELM ST & MAIN ST") in alphabetical order."""
    cached = _cache.get(address)
    if cached is not None:
        return cached
    text = address.upper().split(",", 1)[0].replace("&", "/").replace(" AND ", " / ")
    text = _UNIT.sub("", text)
    text = _PUNCTUATION.sub(" ", text)
    streets = []
    for part in text.split("/"):
        words = [SUFFIXES.get(word, word) for word in part.split()]
        if words:
            streets.append(" ".join(words))
    key = " / ".join(sorted(streets))[:200]
    if len(_cache) < _CACHE_LIMIT:
        _cache[address] = key
    return key
