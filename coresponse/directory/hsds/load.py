"""Writing validated HSDS records into one tenant's directory (inside the caller's transaction).

Rows are matched by their HSDS id: new ids are created, known ids updated. For every
service, location and organization in the file, the file's phones, schedules, languages,
areas, capacities, taxonomy links and addresses are the complete set: those missing from
the file are removed. Nothing else is deleted (a service stays while referrals name it).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from coresponse.directory.hsds.mapping import CHILDREN_OF, MAPPING, MAPPINGS, Mapping
from coresponse.directory.hsds.validate import Record
from coresponse.programs.models import Organization


@dataclass
class LoadCounts:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    removed: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "removed": dict(self.removed),
        }


def existing_ids(tenant: Organization) -> dict[str, set[str]]:
    """HSDS ids already in the tenant's directory, per table (references may name them)."""
    return {
        mapping.table: {
            str(value)
            for value in mapping.model.objects.filter(tenant=tenant).values_list(  # type: ignore[attr-defined]
                "hsds_id", flat=True
            )
        }
        for mapping in MAPPINGS
    }


def _pks(mapping: Mapping, tenant: Organization) -> dict[str, int]:
    rows = mapping.model.objects.filter(tenant=tenant).values_list("hsds_id", "pk")  # type: ignore[attr-defined]
    return {str(hsds_id): pk for hsds_id, pk in rows}


def _model_value(model: type[models.Model], attribute: str, value: Any) -> Any:
    model_field = model._meta.get_field(attribute)
    if value is None:
        if isinstance(model_field, models.BooleanField):
            return model_field.default
        if isinstance(model_field, (models.CharField, models.TextField)):
            return ""
    return value


def _state(instance: models.Model, attributes: list[str]) -> tuple[Any, ...]:
    return tuple(getattr(instance, attribute) for attribute in attributes)


def _load_table(
    mapping: Mapping,
    tenant: Organization,
    rows: list[Record],
    pks: dict[str, dict[str, int]],
    counts: LoadCounts,
) -> None:
    model = mapping.model
    attributes = list(mapping.fields.values()) + [
        f"{attribute}_id" for attribute, table in mapping.links.values() if table != mapping.table
    ]
    existing = {
        str(instance.hsds_id): instance
        for instance in model.objects.filter(  # type: ignore[attr-defined]
            tenant=tenant, hsds_id__in=[record.id for record in rows]
        )
    }
    to_create, to_update = [], []
    now = timezone.now()
    for record in rows:
        instance = existing.get(record.id)
        if instance is None:
            instance = model(tenant=tenant, hsds_id=uuid.UUID(record.id))
            to_create.append(instance)
            before = None
        else:
            before = _state(instance, attributes)
        for name, attribute in mapping.fields.items():
            setattr(instance, attribute, _model_value(model, attribute, record.values.get(name)))
        for name, (attribute, table) in mapping.links.items():
            if table == mapping.table:
                continue  # a taxonomy term's parent is set once every term exists
            reference = record.values.get(name)
            setattr(instance, f"{attribute}_id", pks[table][reference] if reference else None)
        if before is None:
            continue
        if _state(instance, attributes) == before:
            counts.unchanged[mapping.table] += 1
        else:
            if hasattr(instance, "updated_at"):
                instance.updated_at = now
            to_update.append(instance)
    model.objects.bulk_create(to_create, batch_size=500)  # type: ignore[attr-defined]
    if to_update:
        stamp = ["updated_at"] if hasattr(model, "updated_at") else []
        model.objects.bulk_update(to_update, attributes + stamp, batch_size=500)  # type: ignore[attr-defined]
    counts.created[mapping.table] += len(to_create)
    counts.updated[mapping.table] += len(to_update)
    pks[mapping.table] = _pks(mapping, tenant)


def _set_term_parents(
    tenant: Organization, rows: list[Record], pks: dict[str, dict[str, int]]
) -> None:
    model = MAPPING["taxonomy_terms"].model
    for record in rows:
        parent = record.values.get("parent_id")
        model.objects.filter(tenant=tenant, hsds_id=record.id).update(  # type: ignore[attr-defined]
            parent_id=pks["taxonomy_terms"][parent] if parent else None
        )


def _remove_missing_children(
    tenant: Organization,
    records: dict[str, list[Record]],
    pks: dict[str, dict[str, int]],
    counts: LoadCounts,
) -> None:
    for parent_table, children in CHILDREN_OF.items():
        parent_pks = [pks[parent_table][record.id] for record in records[parent_table]]
        if not parent_pks:
            continue
        for child_table, foreign_key in children:
            kept = [record.id for record in records[child_table]]
            stale = (
                MAPPING[child_table]
                .model.objects.filter(tenant=tenant, **{f"{foreign_key}_id__in": parent_pks})  # type: ignore[attr-defined]
                .exclude(hsds_id__in=kept)
            )
            removed, _ = stale.delete()
            if removed:
                counts.removed[child_table] += removed


def load_records(tenant: Organization, records: dict[str, list[Record]]) -> LoadCounts:
    """Create or update every record; call inside a transaction."""
    counts = LoadCounts()
    pks = {mapping.table: _pks(mapping, tenant) for mapping in MAPPINGS}
    for mapping in MAPPINGS:
        _load_table(mapping, tenant, records[mapping.table], pks, counts)
    _set_term_parents(tenant, records["taxonomy_terms"], pks)
    _remove_missing_children(tenant, records, pks, counts)
    return counts
