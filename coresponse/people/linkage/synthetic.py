"""Synthetic people lists with realistic field errors, for the benchmark and the tests.

Entities are invented (names drawn with a long-tailed frequency from generated name pools);
each may appear several times with the errors field records really have: typos,
transpositions, nicknames, swapped first/last names, a dropped or added part of a compound
surname, partial or swapped dates of birth, a move to another address, missing values.
Families are generated on purpose (twins with their own first names, a father and a son
"Jr." with the same name), so a matcher that only looks at surname, address and date of
birth is punished as it would be in real data.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from coresponse.demo import names as demo_names
from coresponse.people.names import nickname_groups

_SYLLABLES = [
    "an", "ber", "car", "dal", "el", "fen", "gar", "hol", "ing", "jor", "kel", "lan", "mar",
    "nor", "ol", "per", "quin", "ros", "sen", "tor", "ul", "van", "wel", "yor", "zim", "ash",
    "bro", "cole", "dun", "ford", "gate", "ham", "ley", "mont", "ridge", "son", "ton", "well",
]  # fmt: skip


@dataclass(frozen=True)
class ErrorRates:
    """Chance of each kind of error in a duplicate record."""

    typo: float
    nickname: float
    swap_names: float
    compound: float
    missing: float
    dob_swap: float
    dob_partial: float
    dob_digit: float
    moved: float
    phone_changed: float


LOW = ErrorRates(0.08, 0.08, 0.02, 0.3, 0.05, 0.03, 0.05, 0.03, 0.1, 0.1)
HIGH = ErrorRates(0.25, 0.2, 0.06, 0.5, 0.15, 0.08, 0.15, 0.08, 0.3, 0.3)
COLUMNS = [
    "id",
    "first_name",
    "last_name",
    "dob",
    "sex",
    "address",
    "town",
    "postcode",
    "phone",
    "external_id",
]


def _zipf_pick(rng: random.Random, pool: list[str]) -> str:
    # Rank-frequency ~ 1/rank: a few very common names, a long tail of rare ones.
    index = int(len(pool) ** rng.random()) - 1
    return pool[min(index, len(pool) - 1)]


def _surnames(rng: random.Random, count: int) -> list[str]:
    pool = list(demo_names.LAST_NAMES)
    while len(pool) < count:
        parts = rng.randint(2, 3)
        pool.append("".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize())
    return pool


def _first_names(rng: random.Random) -> tuple[list[str], list[str]]:
    formal = sorted(nickname_groups())
    rng.shuffle(formal)
    half = len(formal) // 2
    female = list(demo_names.FIRST_NAMES_FEMALE) + [n.capitalize() for n in formal[:half]]
    male = list(demo_names.FIRST_NAMES_MALE) + [n.capitalize() for n in formal[half:]]
    return female, male


def _typo(rng: random.Random, value: str) -> str:
    if len(value) < 3:
        return value
    position = rng.randrange(1, len(value))
    kind = rng.choice(["insert", "delete", "substitute", "transpose"])
    letter = rng.choice(string.ascii_lowercase)
    if kind == "insert":
        return value[:position] + letter + value[position:]
    if kind == "delete":
        return value[:position] + value[position + 1 :]
    if kind == "substitute":
        return value[:position] + letter + value[position + 1 :]
    position = min(position, len(value) - 2)
    return value[:position] + value[position + 1] + value[position] + value[position + 2 :]


def _nickname(rng: random.Random, first: str) -> str:
    group = nickname_groups().get(first.lower())
    if not group:
        return first
    return rng.choice(sorted(group)).capitalize()


@dataclass
class _Entity:
    first: str
    last: str
    year: int
    month: int
    day: int
    sex: str
    address: str
    town: str
    postcode: str
    phone: str
    external_id: str


def _entity(
    rng: random.Random,
    surnames: list[str],
    firsts: tuple[list[str], list[str]],
    towns: list[tuple[str, str]],
) -> _Entity:
    sex = rng.choice(["F", "M"])
    first = _zipf_pick(rng, firsts[0] if sex == "F" else firsts[1])
    last = _zipf_pick(rng, surnames)
    if rng.random() < 0.06:
        last = f"{last}-{_zipf_pick(rng, surnames)}"
    town, postcode = rng.choice(towns)
    return _Entity(
        first=first,
        last=last,
        year=rng.randint(1935, 2008),
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        sex=sex,
        address=f"{rng.randint(1, 999)} {rng.choice(demo_names.STREETS)}",
        town=town,
        postcode=postcode,
        phone=f"(508) 555-{rng.randint(0, 9999):04d}" if rng.random() < 0.6 else "",
        external_id=f"PR{rng.randint(100000, 999999)}" if rng.random() < 0.4 else "",
    )


def _family_member(
    rng: random.Random, base: _Entity, firsts: tuple[list[str], list[str]]
) -> _Entity:
    """A twin with another first name, or a son with his father's name and "Jr."."""
    if rng.random() < 0.5:
        sex = rng.choice(["F", "M"])
        pool = firsts[0] if sex == "F" else firsts[1]
        first = base.first
        while first.lower() == base.first.lower():
            first = _zipf_pick(rng, pool)
        return _Entity(
            first, base.last, base.year, base.month, base.day, sex, base.address, base.town,
            base.postcode, base.phone, "",
        )  # fmt: skip
    return _Entity(
        base.first, f"{base.last} Jr.", base.year + rng.randint(20, 35), rng.randint(1, 12),
        rng.randint(1, 28), base.sex, base.address, base.town, base.postcode, base.phone, "",
    )  # fmt: skip


def _record(rng: random.Random, entity: _Entity, rates: ErrorRates, original: bool) -> list[str]:
    first, last = entity.first, entity.last
    year, month, day = entity.year, entity.month, entity.day
    address, phone, external_id = entity.address, entity.phone, entity.external_id
    dob = f"{year:04d}-{month:02d}-{day:02d}"
    if not original:
        if rng.random() < rates.nickname:
            first = _nickname(rng, first)
        if rng.random() < rates.typo:
            first = _typo(rng, first)
        if rng.random() < rates.typo:
            last = _typo(rng, last)
        if "-" in last and rng.random() < rates.compound:
            last = rng.choice(last.split("-"))
        if rng.random() < rates.swap_names:
            first, last = last, first
        if rng.random() < rates.dob_swap and day <= 12:
            month, day = day, month
        dob = f"{year:04d}-{month:02d}-{day:02d}"
        if rng.random() < rates.dob_digit:
            dob = _typo_digit(rng, dob)
        if rng.random() < rates.dob_partial:
            dob = str(year)
        if rng.random() < rates.moved:
            address = f"{rng.randint(1, 999)} {rng.choice(demo_names.STREETS)}"
        if rng.random() < rates.phone_changed:
            phone = f"(508) 555-{rng.randint(0, 9999):04d}" if rng.random() < 0.5 else ""
        if rng.random() < rates.typo and external_id:
            external_id = external_id[:-1] + str(rng.randint(0, 9))
    values = [
        first,
        last,
        dob,
        entity.sex,
        address,
        entity.town,
        entity.postcode,
        phone,
        external_id,
    ]
    if not original:
        values = [
            "" if rng.random() < rates.missing and position != 1 else value
            for position, value in enumerate(values)
        ]
    return values


def _typo_digit(rng: random.Random, dob: str) -> str:
    positions = [index for index, char in enumerate(dob) if char.isdigit() and index > 2]
    position = rng.choice(positions)
    return dob[:position] + str(rng.randint(0, 9)) + dob[position + 1 :]


def people_list(
    size: int, rates: ErrorRates, *, seed: int = 1, duplicate_share: float = 0.4
) -> tuple[list[list[str]], list[int]]:
    """`size` rows (header excluded) and the true entity number of each row."""
    # Repeatable synthetic data: nothing secret depends on this generator.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    surnames = _surnames(rng, max(2_000, size // 10))
    firsts = _first_names(rng)
    towns = [(place, f"0{1700 + index * 7:04d}") for index, place in enumerate(demo_names.PLACES)]
    towns += [(f"{_zipf_pick(rng, surnames)}ville", f"0{2000 + n:04d}") for n in range(60)]
    rows: list[list[str]] = []
    truth: list[int] = []
    entity_number = 0
    while len(rows) < size:
        entity = _entity(rng, surnames, firsts, towns)
        copies = 1
        if rng.random() < duplicate_share:
            copies += min(int(rng.expovariate(0.8)) + 1, 6)
        relatives = [_family_member(rng, entity, firsts)] if rng.random() < 0.03 else []
        for member in [entity, *relatives]:
            entity_number += 1
            for copy in range(copies if member is entity else 1):
                if len(rows) >= size:
                    break
                rows.append([f"r{len(rows) + 1}", *_record(rng, member, rates, original=copy == 0)])
                truth.append(entity_number)
    order = list(range(len(rows)))
    rng.shuffle(order)
    return [rows[index] for index in order], [truth[index] for index in order]
