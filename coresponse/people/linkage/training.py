"""Re-estimate the shipped model (`default_model.json`) from a synthetic people list.

    .venv/bin/python -m coresponse.people.linkage.training

u comes from random pairs and m from EM sessions, exactly as a batch deduplication
estimates them; the result is the model used where there is too little data to estimate
one (the lookup at entry, short lists, imports of single records).
"""

from __future__ import annotations

from pathlib import Path

from coresponse.people.linkage.dedupe import dedupe_records
from coresponse.people.linkage.model import default_model
from coresponse.people.linkage.records import record_from_fields
from coresponse.people.linkage.synthetic import COLUMNS, HIGH, people_list

TRAINING_ROWS = 30_000


def train() -> str:
    rows, _ = people_list(TRAINING_ROWS, HIGH, seed=2026)
    records = [record_from_fields(dict(zip(COLUMNS[1:], row[1:], strict=True))) for row in rows]
    result = dedupe_records(records, fields=set(COLUMNS[1:]))
    model = result.model
    model.m = {name: [round(value, 5) for value in values] for name, values in model.m.items()}
    model.u = {name: [round(value, 6) for value in values] for name, values in model.u.items()}
    model.conflict_weight = default_model().conflict_weight
    # The lookup and short lists have no list of their own to count relatives in: twins
    # there get the conservative rule (household withdrawn, conflict weight).
    model.relatives_bits = None
    model.notes = {
        "source": f"estimated on a synthetic list of {TRAINING_ROWS} rows (high error level)",
        "command": "python -m coresponse.people.linkage.training",
    }
    return model.to_json()


if __name__ == "__main__":
    target = Path(__file__).parent / "default_model.json"
    target.write_text(train() + "\n", encoding="utf-8")
    print(f"wrote {target}")
