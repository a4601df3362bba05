"""Person lookup at entry: ranked candidates with the reasons they were suggested.

Candidates come only from `people_clinically_visible_to(actor)`, so the lookup can never
reveal someone outside the clinician's scope. Blocking uses indexed name prefixes and
phonetic keys; scoring uses rapidfuzz similarity, the nickname table and the date of birth.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from rapidfuzz import fuzz

from coresponse.accounts.access import Actor
from coresponse.people.models import Person
from coresponse.people.names import name_tokens, name_variants, phonetic_key
from coresponse.people.selectors import people_clinically_visible_to, people_visible_to

MAX_BLOCK = 300


@dataclass(frozen=True)
class LookupQuery:
    """What the clinician typed: free-text name and an optional (partial) date of birth."""

    text: str
    birth_year: int | None = None
    birth_month: int | None = None
    birth_day: int | None = None


@dataclass
class Candidate:
    """One suggested person with a 0–100 score and the evidence behind it."""

    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)
    summary: dict[str, Any] | None = None


def _names_of(person: Person) -> list[tuple[str, str]]:
    names = [(person.first_name, person.last_name)]
    if person.preferred_name:
        names.append((person.preferred_name, person.last_name))
    names.extend((alias.first_name, alias.last_name) for alias in person.aliases.all())
    return names


def _token_score(token: str, name: str) -> tuple[float, str]:
    """How well one typed word fits one name part (0–1) and why."""
    normalized = "".join(name_tokens(name))
    if not normalized or not token:
        return 0.0, ""
    if normalized == token:
        return 1.0, "exact"
    if len(token) >= 2 and normalized.startswith(token):
        return 0.9, "prefix"
    if token in name_variants(normalized):
        return 0.9, "nickname"
    if len(token) >= 4 and phonetic_key(token) == phonetic_key(normalized):
        return 0.85, "sounds alike"
    similarity = fuzz.ratio(token, normalized) / 100
    if similarity >= 0.75:
        return similarity * 0.9, "similar spelling"
    return 0.0, ""


def _name_score(tokens: list[str], person: Person) -> tuple[float, list[str]]:
    best = 0.0
    best_reasons: list[str] = []
    for first, last in _names_of(person):
        parts = {"first name": first, "last name": last}
        used: set[str] = set()
        total = 0.0
        reasons: list[str] = []
        for token in tokens:
            scored = [
                (*_token_score(token, value), label)
                for label, value in parts.items()
                if label not in used
            ]
            if not scored:
                continue
            score, how, label = max(scored, key=lambda item: item[0])
            if score > 0:
                used.add(label)
                total += score
                reasons.append(f"{label} {how}")
        average = total / max(len(tokens), 1)
        if average > best:
            is_alias = (first, last) != (person.first_name, person.last_name)
            best = average
            best_reasons = [*reasons, "known alias"] if is_alias else reasons
    return best, best_reasons


def _birth_score(query: LookupQuery, person: Person) -> tuple[float, str]:
    if query.birth_year is None or person.birth_year is None:
        return 0.0, ""
    if query.birth_year != person.birth_year:
        if abs(query.birth_year - person.birth_year) == 1 and person.is_birth_date_approximate:
            return 0.05, "birth year close (approximate)"
        return -0.4, "birth year differs"
    if query.birth_month and person.birth_month:
        if query.birth_month == person.birth_month:
            if query.birth_day and person.birth_day and query.birth_day != person.birth_day:
                return 0.1, "birth year and month match, day differs"
            return 0.25, "date of birth matches"
        if query.birth_day and (query.birth_month, query.birth_day) == (
            person.birth_day,
            person.birth_month,
        ):
            return 0.2, "date of birth matches with day and month swapped"
        return -0.1, "birth month differs"
    return 0.15, "birth year matches"


def _block(tokens: list[str]) -> Q:
    condition = Q()
    for token in tokens:
        prefix = token[:3]
        condition |= Q(first_name__istartswith=prefix) | Q(last_name__istartswith=prefix)
        condition |= Q(preferred_name__istartswith=prefix)
        condition |= Q(aliases__first_name__istartswith=prefix)
        condition |= Q(aliases__last_name__istartswith=prefix)
        key = phonetic_key(token)
        if len(token) >= 4 and key:
            condition |= Q(first_name_key=key) | Q(last_name_key=key)
            condition |= Q(aliases__first_name_key=key) | Q(aliases__last_name_key=key)
        for variant in name_variants(token) - {token}:
            condition |= Q(first_name__iexact=variant) | Q(preferred_name__iexact=variant)
    return condition


def person_candidates(
    actor: Actor, query: LookupQuery, *, limit: int = 8, clinical_only: bool = True
) -> list[Candidate]:
    """Visible people ranked by how likely they are the one described (best first).

    The encounter form searches the clinical scope only; the search page an officer uses
    searches the people of his department.
    """
    tokens = name_tokens(query.text)
    if not tokens or max(len(token) for token in tokens) < 2:
        return []
    ids = list(
        (people_clinically_visible_to(actor) if clinical_only else people_visible_to(actor))
        .filter(_block(tokens))
        .values_list("id", flat=True)
        .distinct()[:MAX_BLOCK]
    )
    people = Person.objects.filter(id__in=ids).prefetch_related("aliases")
    candidates = []
    for person in people:
        name_score, reasons = _name_score(tokens, person)
        if name_score <= 0:
            continue
        birth_score, birth_reason = _birth_score(query, person)
        if birth_reason:
            reasons.append(birth_reason)
        score = max(0, min(100, round((name_score * 0.85 + birth_score) * 100)))
        if score >= 30:
            candidates.append(Candidate(person=person, score=score, reasons=reasons))
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.person.last_name))
    return candidates[:limit]


def birth_parts(value: datetime.date | None) -> tuple[int | None, int | None, int | None]:
    """Split a full date into the parts the lookup uses."""
    if value is None:
        return None, None, None
    return value.year, value.month, value.day
