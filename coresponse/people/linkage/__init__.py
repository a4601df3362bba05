"""Probabilistic record linkage of people (Fellegi–Sunter), shared by every matching path.

- `records`: turning raw fields (a CSV row, a Person) into normalised `PersonRecord`s.
- `comparisons`: vectorised comparison of record pairs into agreement levels.
- `model`: m/u probabilities, u from random pairs, m and the prior by EM, match weights.
- `blocking`: which pairs to compare at all, so linkage scales.
- `dedupe`: the whole batch pipeline (block → compare → estimate → score → cluster).

Nothing here touches the database; `coresponse.people.matching` and the `people dedupe`
command build on it, and so can imports (`link_people`).
"""

from coresponse.people.linkage.dedupe import DedupeResult, dedupe_records, link_people
from coresponse.people.linkage.model import MatchModel, default_model
from coresponse.people.linkage.records import FIELDS, PersonRecord, record_from_fields

__all__ = [
    "FIELDS",
    "DedupeResult",
    "MatchModel",
    "PersonRecord",
    "dedupe_records",
    "default_model",
    "link_people",
    "record_from_fields",
]
