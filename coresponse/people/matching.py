"""Person lookup at entry: candidates ranked by match probability, with the evidence.

Candidates come only from `people_clinically_visible_to(actor)` (or `people_visible_to`
for the search page), so the lookup can never reveal someone outside the actor's scope.
Blocking uses indexed name prefixes, phonetic keys and the nickname table ("kat" reaches
Katherine, Kathy and Cathy); scoring is the Fellegi–Sunter engine of
`coresponse.people.linkage` with the shipped model, comparing what was typed with every
name the person is known by (name, preferred name, aliases) and keeping the best.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import F, Q, QuerySet, prefetch_related_objects
from django.db.models.functions import Upper

from coresponse.accounts.access import Actor, access_for
from coresponse.people.linkage.comparisons import COMPARISON_BY_NAME
from coresponse.people.linkage.dedupe import compare_records, link_people, weights_and_probabilities
from coresponse.people.linkage.model import default_model
from coresponse.people.linkage.records import (
    PersonRecord,
    normalize_address,
    normalize_code,
    normalize_phone,
    normalize_place,
    normalize_sex,
)
from coresponse.people.models import Person, PersonLookupKey
from coresponse.people.names import name_parts, names_for_prefix, phonetic_key
from coresponse.people.selectors import people_clinically_visible_to, people_visible_to

MAX_BLOCK = 150
# What ranking and the suggestion list read of a person (the rest is not fetched).
CANDIDATE_FIELDS = (
    "id",
    "organization_id",
    "first_name",
    "last_name",
    "preferred_name",
    "birth_year",
    "birth_month",
    "birth_day",
    "is_birth_date_approximate",
    "sex",
    "address",
    "town",
    "postcode",
    "phone",
    "updated_at",
)
# A later, looser blocking tier runs only when the stricter ones found fewer people.
ENOUGH_TO_RANK = 8
# Typed text shorter than a whole name is still evidence, but weaker than a full match.
PREFIX_LEVEL = 3
NAME_FIELDS = {"first_name", "last_name", "dob"}
_FIELD_LABELS = {
    "first_name": "first name",
    "last_name": "last name",
    "dob": "date of birth",
    "sex": "sex",
    "address": "address",
    "town": "town",
    "postcode": "postcode",
    "phone": "phone",
    "external_id": "external id",
}


@dataclass(frozen=True)
class LookupQuery:
    """What the clinician typed: free-text name and an optional (partial) date of birth."""

    text: str
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None


@dataclass
class Candidate:
    """One suggested person with a 0–100 score (match probability) and the evidence."""

    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)
    summary: dict[str, Any] | None = None
    probability: float = 0.0


def person_record(person: Person, first: str, last: str) -> PersonRecord:
    """The matcher's view of a person under one of their names."""
    firsts, lasts = name_parts(first), name_parts(last)
    return PersonRecord(
        first_name=firsts[0] if firsts else "",
        last_name=" ".join(lasts),
        birth_year=person.birth_year or 0,
        birth_month=person.birth_month or 0,
        birth_day=person.birth_day or 0,
        sex=normalize_sex(person.sex),
        address=normalize_address(person.address),
        town=normalize_place(person.town),
        postcode=normalize_code(person.postcode),
        phone=normalize_phone(person.phone),
    )


def _names_of(person: Person) -> list[tuple[str, str, bool]]:
    names = [(person.first_name, person.last_name, False)]
    if person.preferred_name:
        names.append((person.preferred_name, person.last_name, False))
    names.extend((alias.first_name, alias.last_name, True) for alias in person.aliases.all())
    return names


def _first_like(token: str, *, prefix: str = "") -> Q:
    """A first (or preferred) name that may be what was typed: prefix, sound or nickname."""
    condition = Q(**{f"{prefix}first_name__istartswith": token[:3]})
    if not prefix:
        condition |= Q(preferred_name__istartswith=token[:3])
    key = phonetic_key(token)
    if len(token) >= 4 and key:
        condition |= Q(**{f"{prefix}first_name_key": key})
    variants = [variant.upper() for variant in sorted(names_for_prefix(token) - {token})]
    if variants and not prefix:
        condition |= Q(first_name_upper__in=variants) | Q(preferred_name_upper__in=variants)
    return condition


def _last_like(token: str, *, prefix: str = "") -> Q:
    """A last name that may be what was typed: its first letters or its sound."""
    condition = Q(**{f"{prefix}last_name__istartswith": token[:3]})
    key = phonetic_key(token)
    if len(token) >= 4 and key:
        condition |= Q(**{f"{prefix}last_name_key": key})
    return condition


def _tiers(tokens: list[str], *, prefix: str = "") -> list[Q]:
    """Blocking conditions from the most to the least specific.

    One word: any name starting with it, sounding like it, or a nickname of it. Two or more:
    first and last name both plausible (in either order), then the last name alone, so a
    first name mangled beyond its sound is still found.
    """
    if len(tokens) == 1:
        return [_first_like(tokens[0], prefix=prefix) | _last_like(tokens[0], prefix=prefix)]
    first, last = tokens[0], tokens[-1]
    both = _first_like(first, prefix=prefix) & _last_like(last, prefix=prefix)
    swapped = _first_like(last, prefix=prefix) & _last_like(first, prefix=prefix)
    return [both | swapped, _last_like(last, prefix=prefix) | _last_like(first, prefix=prefix)]


def _key_condition(token: str) -> Q:
    condition = Q(key__startswith=token[:3])
    sound = phonetic_key(token)
    if len(token) >= 4 and sound:
        condition |= Q(key=f"#{sound}")
    variants = sorted(names_for_prefix(token) - {token})
    if variants:
        condition |= Q(key__in=variants)
    return condition


def _keyed_ids(department_ids: frozenset[int], tokens: list[str]) -> list[int]:
    """Candidate ids from the lookup keys of the actor's departments (index range scans).

    One typed word: people whose key starts with it, newest first (a crowded prefix such
    as "kat" keeps the people met lately; answered from the index alone), then exact
    nicknames and sounds. Two or more: both words plausible, then the last one alone.
    """
    if not department_ids:
        return []
    keys = PersonLookupKey.objects.filter(department_id__in=department_ids)
    if len(tokens) == 1:
        tiers = [
            # "+ 0" keeps PostgreSQL on the (department, key) index rather than walking
            # the whole person_id index backwards looking for matching keys.
            keys.filter(key__startswith=tokens[0][:3]).order_by((F("person_id") + 0).desc()),
            keys.filter(_key_condition(tokens[0])).order_by(),
        ]
    else:
        first, last = tokens[0], tokens[-1]
        also_last = keys.filter(_key_condition(last)).values("person_id")
        tiers = [
            keys.filter(_key_condition(first), person_id__in=also_last).order_by(),
            keys.filter(_key_condition(last)).order_by(),
        ]
    ids: list[int] = []
    for tier in tiers:
        if len(ids) >= MAX_BLOCK:
            break
        ids.extend(dict.fromkeys(tier.values_list("person_id", flat=True)[: MAX_BLOCK * 2]))
        ids = list(dict.fromkeys(ids))
        if len(tokens) > 1 and len(ids) >= ENOUGH_TO_RANK:
            break
    return ids[:MAX_BLOCK]


def _block(scope: QuerySet[Person], tokens: list[str]) -> list[Person]:
    """People in scope sharing a blocking key with what was typed (at most MAX_BLOCK).

    Each tier is one indexed query on the person table, then the same on aliases (an OR
    across the join could use no index); a looser tier runs only when the stricter ones
    found fewer than ENOUGH_TO_RANK. A single typed word is crowded, so its people come
    most recently changed first. Only the fields ranking needs are fetched.
    """
    annotated = scope.annotate(
        first_name_upper=Upper("first_name"), preferred_name_upper=Upper("preferred_name")
    ).only(*CANDIDATE_FIELDS)
    people: dict[int, Person] = {}
    for person_condition, alias_condition in zip(
        _tiers(tokens), _tiers(tokens, prefix="aliases__"), strict=True
    ):
        if len(people) >= ENOUGH_TO_RANK:
            break
        # No ordering unless needed: sorting every match is what would cost time.
        found = annotated.filter(person_condition).order_by()
        if len(tokens) == 1:
            found = found.order_by("-updated_at")
        for person in found[:MAX_BLOCK]:
            people.setdefault(person.pk, person)
        alias_people = Person.objects.filter(alias_condition).values("id")
        for person in annotated.filter(id__in=alias_people).order_by()[:MAX_BLOCK]:
            people.setdefault(person.pk, person)
    return list(people.values())[:MAX_BLOCK]


def _typed_as(token: str, name: str) -> tuple[str, bool]:
    """The value to compare for a typed word: a prefix of the name counts as the name."""
    if token and name and name != token and len(token) >= 2 and name.startswith(token):
        return name, True
    return token, False


def _query_record(query: LookupQuery, first: str, last: str) -> PersonRecord:
    return PersonRecord(
        first_name=first,
        last_name=last,
        birth_year=query.birth_year or 0,
        birth_month=query.birth_month or 0,
        birth_day=query.birth_day or 0,
    )


def _reasons(levels: np.ndarray, prefixed: set[str], swapped: bool, is_alias: bool) -> list[str]:
    reasons = []
    for index, name in enumerate(("first_name", "last_name", "dob")):
        level = int(levels[index])
        if level == 0:
            continue
        label = COMPARISON_BY_NAME[name].labels[level]
        if name in prefixed:
            label = "starts with what was typed"
        reasons.append(f"{_FIELD_LABELS[name]} {label}")
    if swapped:
        reasons.append("first and last names swapped")
    if is_alias:
        reasons.append("known alias")
    return reasons


@dataclass
class _Reading:
    """One way to read what was typed against one name of one person."""

    person: Person
    typed: PersonRecord
    known: PersonRecord
    prefixed: set[str]
    is_alias: bool


def _readings(query: LookupQuery, tokens: list[str], people: list[Person]) -> list[_Reading]:
    # One word may be a first or a last name; two or more are first … last (the engine
    # itself notices when they were given the other way round).
    options = [("", tokens[0]), (tokens[0], "")] if len(tokens) == 1 else [(tokens[0], tokens[-1])]
    readings = []
    for person in people:
        for first, last, is_alias in _names_of(person):
            known = person_record(person, first, last)
            for typed_first, typed_last in options:
                first_value, first_prefix = _typed_as(typed_first, known.first_name)
                last_value, last_prefix = _typed_as(typed_last, known.last_name)
                prefixed = {
                    name
                    for name, hit in (("first_name", first_prefix), ("last_name", last_prefix))
                    if hit
                }
                typed = _query_record(query, first_value, last_value)
                readings.append(_Reading(person, typed, known, prefixed, is_alias))
    return readings


def _rank(query: LookupQuery, tokens: list[str], people: list[Person]) -> list[Candidate]:
    """Score every reading in one pass and keep each person's best."""
    readings = _readings(query, tokens, people)
    if not readings:
        return []
    levels = compare_records(
        [reading.typed for reading in readings],
        [reading.known for reading in readings],
        fields=NAME_FIELDS,
    )
    for row, reading in enumerate(readings):
        for column, name in enumerate(("first_name", "last_name")):
            if name in reading.prefixed and levels.levels[row, column] == 1:
                levels.levels[row, column] = PREFIX_LEVEL
    weights, probabilities = weights_and_probabilities(default_model(), levels)
    best: dict[int, tuple[tuple[float, int], Candidate]] = {}
    for row, reading in enumerate(readings):
        if not np.isin(levels.levels[row, :2], [1, 2, 3, 4]).any():
            continue
        probability = float(probabilities[row])
        current = best.get(reading.person.pk)
        # Weights order readings whose probabilities both round to certainty; then the
        # reading with the closer agreement levels wins.
        rank = (float(weights[row]), -int(levels.levels[row].sum()))
        if current is None or rank > current[0]:
            best[reading.person.pk] = (
                rank,
                Candidate(
                    person=reading.person,
                    score=round(probability * 100),
                    reasons=_reasons(
                        levels.levels[row],
                        reading.prefixed,
                        bool(levels.swapped[row]),
                        reading.is_alias,
                    ),
                    probability=probability,
                ),
            )
    return [candidate for _, candidate in best.values()]


def _scope(actor: Actor, *, clinical_only: bool) -> QuerySet[Person]:
    return people_clinically_visible_to(actor) if clinical_only else people_visible_to(actor)


def _candidates_in_scope(actor: Actor, tokens: list[str], *, clinical_only: bool) -> list[Person]:
    """Blocked candidates: from the lookup keys, then from the person table if too few.

    Whatever the keys propose is filtered through the scope selector again, so a stale key
    can never show someone outside the actor's scope; people the keys miss (not indexed
    yet, break-the-glass) are still found by the direct query.
    """
    access = access_for(actor)
    scope = _scope(actor, clinical_only=clinical_only)
    departments = access.clinical_department_ids if clinical_only else access.person_department_ids
    ids = _keyed_ids(departments, tokens)
    people = list(scope.filter(id__in=ids).only(*CANDIDATE_FIELDS).order_by()) if ids else []
    if len(people) < ENOUGH_TO_RANK:
        known = {person.pk for person in people}
        people += [person for person in _block(scope, tokens) if person.pk not in known]
    people = people[:MAX_BLOCK]
    prefetch_related_objects(people, "aliases")
    return people


def person_candidates(
    actor: Actor, query: LookupQuery, *, limit: int = 8, clinical_only: bool = True
) -> list[Candidate]:
    """Visible people ranked by how likely they are the one described (best first).

    The encounter form searches the clinical scope only; the search page an officer uses
    searches the people of his department.
    """
    tokens = name_parts(query.text)
    if not tokens or max(len(token) for token in tokens) < 2:
        return []
    people = _candidates_in_scope(actor, tokens, clinical_only=clinical_only)
    candidates = _rank(query, tokens, people)
    # Equal evidence (three typed letters) puts the people met or changed lately first.
    candidates.sort(
        key=lambda candidate: (
            -round(candidate.probability, 3),
            -candidate.person.updated_at.timestamp(),
            candidate.person.last_name,
        )
    )
    return candidates[:limit]


def person_candidates_for_record(
    actor: Actor, record: PersonRecord, *, limit: int = 5, clinical_only: bool = True
) -> list[Candidate]:
    """People in scope who may be the person described by a full record (imports).

    Blocks on the record's names like the lookup, then scores every field the record has.
    """
    text = f"{record.first_name} {record.last_name}".strip()
    tokens = name_parts(text)
    if not tokens:
        return []
    people = _candidates_in_scope(actor, tokens, clinical_only=clinical_only)
    if not people:
        return []
    probabilities, levels = link_people(
        record, [person_record(person, person.first_name, person.last_name) for person in people]
    )
    candidates = []
    for index, person in enumerate(people):
        row = [int(level) for level in levels.levels[index]]
        reasons = [
            f"{_FIELD_LABELS[comparison.name]} {comparison.labels[row[column]]}"
            for column, comparison in enumerate(levels.comparisons)
            if row[column] != 0
        ]
        probability = float(probabilities[index])
        candidates.append(
            Candidate(
                person=person,
                score=round(probability * 100),
                reasons=reasons,
                probability=probability,
            )
        )
    candidates.sort(key=lambda candidate: -candidate.probability)
    return candidates[:limit]


def birth_parts(value: datetime.date | None) -> tuple[int | None, int | None, int | None]:
    """Split a full date into the parts the lookup uses."""
    if value is None:
        return None, None, None
    return value.year, value.month, value.day
