"""Writing one tenant's directory out in the HSDS JSON and tabular (CSV) forms."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

from django.utils import timezone

from coresponse.common.exports import safe_cell
from coresponse.directory.hsds.mapping import MAPPINGS
from coresponse.directory.hsds.tables import TABLE, TABLES
from coresponse.directory.models import TaxonomyTerm
from coresponse.programs.models import Organization

HSDS_VERSION = "3.1"
Row = dict[str, Any]


def _export_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        normal = value.normalize()
        return int(normal) if normal == normal.to_integral_value() else float(normal)
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    if value == "":
        return None
    return value


def dump_records(tenant: Organization) -> dict[str, list[Row]]:
    """Every table of the tenant's directory as HSDS rows, ordered by id (stable output)."""
    tables: dict[str, list[Row]] = {}
    hsds_of: dict[str, dict[int, str]] = {}
    for mapping in MAPPINGS:
        instances = list(mapping.model.objects.filter(tenant=tenant).order_by("hsds_id"))  # type: ignore[attr-defined]
        hsds_of[mapping.table] = {instance.pk: str(instance.hsds_id) for instance in instances}
        rows = []
        for instance in instances:
            row: Row = {"id": str(instance.hsds_id)}
            for name, attribute in mapping.fields.items():
                row[name] = _export_value(getattr(instance, attribute))
            for name, (attribute, table) in mapping.links.items():
                pk = getattr(instance, f"{attribute}_id")
                row[name] = hsds_of[table][pk] if pk is not None else None
            if mapping.table == "attributes":
                row["link_entity"] = "service"
            rows.append(row)
        tables[mapping.table] = rows
    # A term's parent may sort after it, so parents are named once every term is known.
    parent_of = {
        str(hsds_id): parent
        for hsds_id, parent in TaxonomyTerm.objects.filter(tenant=tenant).values_list(
            "hsds_id", "parent__hsds_id"
        )
    }
    for row in tables["taxonomy_terms"]:
        parent = parent_of.get(row["id"])
        row["parent_id"] = str(parent) if parent else None
    return tables


def _compact(row: Row) -> Row:
    return {key: value for key, value in row.items() if value is not None}


class _ChildIndex:
    """Rows of each table grouped by a parent column, built once (no scan per parent)."""

    def __init__(self, tables: dict[str, list[Row]]) -> None:
        self.tables = tables
        self.groups: dict[tuple[str, str], dict[str, list[Row]]] = {}

    def __call__(self, table: str, key: str, value: str) -> list[Row]:
        if (table, key) not in self.groups:
            grouped: dict[str, list[Row]] = {}
            for row in self.tables[table]:
                if row.get(key) is not None:
                    grouped.setdefault(row[key], []).append(_compact(row))
            self.groups[(table, key)] = grouped
        return self.groups[(table, key)].get(value, [])


def to_json(tables: dict[str, list[Row]]) -> str:
    """The JSON form: an HSDS page of services, each with everything nested.

    Organizations, locations, taxonomy terms and units no service reaches are listed in
    top-level arrays of the same names, so that nothing is lost on the way.
    """
    by_id = {name: {row["id"]: row for row in rows} for name, rows in tables.items()}
    used: dict[str, set[str]] = {name: set() for name in tables}
    children = _ChildIndex(tables)

    def organization(identifier: str) -> Row:
        used["organizations"].add(identifier)
        return {
            **_compact(by_id["organizations"][identifier]),
            "phones": children("phones", "organization_id", identifier),
        }

    def location(identifier: str) -> Row:
        used["locations"].add(identifier)
        return {
            **_compact(by_id["locations"][identifier]),
            "addresses": children("addresses", "location_id", identifier),
            "phones": children("phones", "location_id", identifier),
            "languages": children("languages", "location_id", identifier),
            "schedules": children("schedules", "location_id", identifier),
        }

    def unit(identifier: str) -> Row:
        used["units"].add(identifier)
        return _compact(by_id["units"][identifier])

    def term(identifier: str) -> Row:
        used["taxonomy_terms"].add(identifier)
        return _compact(by_id["taxonomy_terms"][identifier])

    services = []
    ordered = sorted(tables["services"], key=lambda row: (row["name"], row["id"]))
    for service in ordered:
        identifier = service["id"]
        services.append(
            {
                **_compact(service),
                "organization": organization(service["organization_id"]),
                "phones": children("phones", "service_id", identifier),
                "schedules": children("schedules", "service_id", identifier),
                "service_areas": children("service_areas", "service_id", identifier),
                "languages": children("languages", "service_id", identifier),
                "capacities": [
                    {**row, "unit": unit(row["unit_id"])}
                    for row in children("service_capacities", "service_id", identifier)
                ],
                "attributes": [
                    {**row, "taxonomy_term": term(row["taxonomy_term_id"])}
                    for row in children("attributes", "link_id", identifier)
                ],
                "service_at_locations": [
                    {**row, "location": location(row["location_id"])}
                    for row in children("service_at_locations", "service_id", identifier)
                ],
            }
        )
    page: Row = {
        "total_items": len(services),
        "total_pages": 1,
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "contents": services,
    }
    orphans: dict[str, Any] = {
        "organizations": [
            organization(row["id"])
            for row in tables["organizations"]
            if row["id"] not in used["organizations"]
        ],
        "locations": [
            location(row["id"]) for row in tables["locations"] if row["id"] not in used["locations"]
        ],
        "taxonomy_terms": [
            term(row["id"])
            for row in tables["taxonomy_terms"]
            if row["id"] not in used["taxonomy_terms"]
        ],
        "units": [unit(row["id"]) for row in tables["units"] if row["id"] not in used["units"]],
    }
    page.update({key: value for key, value in orphans.items() if value})
    return json.dumps(page, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(safe_cell(str(value)))


def to_csv_files(tables: dict[str, list[Row]]) -> dict[str, str]:
    """The tabular form: one CSV text per table, named as in the HSDS data package."""
    files = {}
    for table in TABLES:
        columns = [spec.name for spec in table.fields]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in tables[table.name]:
            writer.writerow([_cell(_export_value(row.get(column))) for column in columns])
        files[table.csv_name] = buffer.getvalue()
    files["datapackage.json"] = json.dumps(
        {
            "name": "coresponse-service-directory",
            "profile": "tabular-data-package",
            "hsds_version": HSDS_VERSION,
            "resources": [
                {
                    "name": TABLE[table.name].csv_name.removesuffix(".csv"),
                    "path": table.csv_name,
                    "profile": "tabular-data-resource",
                    "format": "csv",
                    "mediatype": "text/csv",
                }
                for table in TABLES
            ],
        },
        indent=2,
    )
    return files


def to_zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return buffer.getvalue()
