"""Reading an HSDS file into rows of the tables CoResponse keeps (nothing validated yet).

The JSON form is a page of services (`{"contents": [...]}`, as the HSDS API answers) or a
plain list of services, each with its organization, locations, phones… nested. The
tabular form is a ZIP archive (or a folder) of CSV files named as in the HSDS data package.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from coresponse.directory.hsds.tables import CSV_TABLE, TABLE, TABLES

MAX_FILE_BYTES = 20 * 1024 * 1024
# Exports prefix cells a spreadsheet would run as formulas with "'"; imports remove it again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PACKAGE_FILES = {"datapackage.json"}


class HsdsFileError(ValueError):
    """The file as a whole cannot be read (not JSON, not UTF-8, not a ZIP, no tables…)."""


@dataclass
class RawRow:
    table: str
    where: str
    values: dict[str, Any]


@dataclass
class RawDirectory:
    """Rows per table, and what the file held that CoResponse does not keep."""

    rows: dict[str, list[RawRow]] = field(default_factory=lambda: {t.name: [] for t in TABLES})
    ignored: Counter[str] = field(default_factory=Counter)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (where, message)

    def add(self, table: str, where: str, values: dict[str, Any]) -> None:
        self.rows[table].append(RawRow(table, where, values))

    @property
    def warnings(self) -> list[str]:
        return [f"{what}: {count} ignored" for what, count in sorted(self.ignored.items())]


# ---------------------------------------------------------------- JSON


PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
    "organizations",
    "locations",
    "taxonomy_terms",
    "units",
}
NESTED = {
    "services": {
        "organization",
        "phones",
        "schedules",
        "service_areas",
        "languages",
        "capacities",
        "attributes",
        "service_at_locations",
    },
    "organizations": {"phones"},
    "locations": {"addresses", "phones", "languages", "schedules"},
    "service_at_locations": {"location"},
    "service_capacities": {"unit"},
    "attributes": {"taxonomy_term"},
}


class _JsonFlattener:
    def __init__(self) -> None:
        self.directory = RawDirectory()
        self.seen: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    def scalars(self, table: str, item: dict[str, Any], path: str) -> dict[str, Any]:
        known = {spec.name for spec in TABLE[table].fields}
        nested = NESTED.get(table, set())
        values = {}
        for key, value in item.items():
            if key in known:
                values[key] = value
            elif key not in nested:
                self.directory.ignored[f"{_pattern(path)}.{key}"] += 1
        return values

    def shared(self, table: str, item: Any, where: str) -> tuple[Any, bool]:
        """A row that may appear nested many times (organization, location, unit, term).

        Returns its id and whether this is its first appearance (whose children count).
        """
        if not isinstance(item, dict):
            self.directory.conflicts.append((where, "must be an object."))
            return None, False
        values = self.scalars(table, item, where)
        key = (table, str(values.get("id")))
        if values.get("id") is not None and key in self.seen:
            first_where, first_values = self.seen[key]
            if first_values != values:
                self.directory.conflicts.append(
                    (where, f"differs from the same id at {first_where}.")
                )
            return values.get("id"), False
        self.seen[key] = (where, values)
        self.directory.add(table, where, values)
        return values.get("id"), True

    def children(
        self, table: str, items: Any, where: str, **links: Any
    ) -> list[tuple[dict[str, Any], RawRow]]:
        if items is None:
            return []
        if not isinstance(items, list):
            self.directory.conflicts.append((where, "must be a list."))
            return []
        added = []
        for index, item in enumerate(items):
            path = f"{where}[{index}]"
            if not isinstance(item, dict):
                self.directory.conflicts.append((path, "must be an object."))
                continue
            row = RawRow(table, path, {**self.scalars(table, item, path), **links})
            self.directory.rows[table].append(row)
            added.append((item, row))
        return added

    def location(self, item: Any, where: str) -> Any:
        location_id, is_first = self.shared("locations", item, where)
        if is_first:
            for key in ("addresses", "phones", "languages", "schedules"):
                self.children(key, item.get(key), f"{where}.{key}", location_id=location_id)
        return location_id

    def unreached(self, document: dict[str, Any]) -> None:
        """Top-level lists of rows no service reaches (a CoResponse addition to the page)."""
        for key in sorted(set(document) - PAGE_KEYS):
            self.directory.ignored[key] += 1
        for key in ("organizations", "locations", "taxonomy_terms", "units"):
            items = document.get(key) or []
            if not isinstance(items, list):
                self.directory.conflicts.append((key, "must be a list."))
                continue
            for index, item in enumerate(items):
                where = f"{key}[{index}]"
                if key == "locations":
                    self.location(item, where)
                    continue
                identifier, is_first = self.shared(key, item, where)
                if key == "organizations" and is_first:
                    self.children(
                        "phones", item.get("phones"), f"{where}.phones", organization_id=identifier
                    )

    def service(self, item: Any, where: str) -> None:
        if not isinstance(item, dict):
            self.directory.conflicts.append((where, "must be an object."))
            return
        values = self.scalars("services", item, where)
        if item.get("organization") is not None:
            where_organization = f"{where}.organization"
            organization_id, is_first = self.shared(
                "organizations", item["organization"], where_organization
            )
            if is_first:
                self.children(
                    "phones",
                    item["organization"].get("phones"),
                    f"{where_organization}.phones",
                    organization_id=organization_id,
                )
            values.setdefault("organization_id", organization_id)
        self.directory.add("services", where, values)
        service_id = values.get("id")
        for key in ("phones", "schedules", "service_areas", "languages"):
            self.children(key, item.get(key), f"{where}.{key}", service_id=service_id)
        for capacity, row in self.children(
            "service_capacities",
            item.get("capacities"),
            f"{where}.capacities",
            service_id=service_id,
        ):
            if "unit" in capacity:
                unit_id, _ = self.shared("units", capacity["unit"], f"{row.where}.unit")
                row.values.setdefault("unit_id", unit_id)
        for attribute, row in self.children(
            "attributes", item.get("attributes"), f"{where}.attributes", link_id=service_id
        ):
            row.values.setdefault("link_entity", "service")
            if "taxonomy_term" in attribute:
                term_id, _ = self.shared(
                    "taxonomy_terms", attribute["taxonomy_term"], f"{row.where}.taxonomy_term"
                )
                row.values.setdefault("taxonomy_term_id", term_id)
        for link, row in self.children(
            "service_at_locations",
            item.get("service_at_locations"),
            f"{where}.service_at_locations",
            service_id=service_id,
        ):
            if "location" in link:
                row.values.setdefault(
                    "location_id", self.location(link["location"], f"{row.where}.location")
                )


def _pattern(path: str) -> str:
    """services[3].phones[0] → services[*].phones[*] (warnings are counted per pattern)."""
    return re.sub(r"\[\d+\]", "[*]", path)


def parse_json(content: bytes) -> RawDirectory:
    """Flatten the JSON form into table rows."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise HsdsFileError("The file is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise HsdsFileError(
            f"The file is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        services = document["contents"]
    elif isinstance(document, list):
        services = document
    else:
        raise HsdsFileError(
            'Expected an HSDS page of services ({"contents": [...]}) or a list of services.'
        )
    flattener = _JsonFlattener()
    for index, item in enumerate(services):
        flattener.service(item, f"services[{index}]")
    if isinstance(document, dict):
        flattener.unreached(document)
    return flattener.directory


# ---------------------------------------------------------------- CSV


def _unescape(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def parse_csv_files(files: dict[str, bytes]) -> RawDirectory:
    """Read the tabular form: CSV files named as in the HSDS data package."""
    directory = RawDirectory()
    known = {name: content for name, content in files.items() if name in CSV_TABLE}
    if not known:
        expected = ", ".join(table.csv_name for table in TABLES)
        raise HsdsFileError(f"No HSDS tables found. Expected CSV files named {expected}.")
    for name in sorted(set(files) - set(known) - PACKAGE_FILES):
        directory.ignored[f"{name} (not a table CoResponse keeps)"] += 1
    for name, content in sorted(known.items()):
        table = CSV_TABLE[name]
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise HsdsFileError(f"{name} is not UTF-8 text.") from None
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = reader.fieldnames or []
        missing = [spec.name for spec in table.fields if spec.required and spec.name not in header]
        # In the tabular form a nested object's link is a column of its own.
        if missing:
            raise HsdsFileError(f"{name}: missing column(s) {', '.join(missing)}.")
        for column in header:
            if table.field(column) is None:
                directory.ignored[f"{name} column {column}"] += 1
        try:
            for row in reader:
                line = reader.line_num
                if None in row:
                    directory.conflicts.append(
                        (f"{name} row {line}", "has more cells than columns.")
                    )
                values = {
                    key: (_unescape(value) if value != "" else None)
                    for key, value in row.items()
                    if key is not None and table.field(key) is not None and isinstance(value, str)
                }
                directory.add(table.name, f"{name} row {line}", values)
        except csv.Error as error:
            raise HsdsFileError(f"{name} line {reader.line_num}: {error}.") from None
    return directory


def read_zip(content: bytes) -> dict[str, bytes]:
    """The files of a ZIP archive by base name (folders inside are ignored)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise HsdsFileError("The file is not a ZIP archive of HSDS CSV files.") from None
    files: dict[str, bytes] = {}
    total = 0
    for info in archive.infolist():
        if info.is_dir():
            continue
        total += info.file_size
        if total > MAX_FILE_BYTES * 5:
            raise HsdsFileError("The archive is too large once unpacked (over 100 MB).")
        files[info.filename.rsplit("/", 1)[-1]] = archive.read(info)
    return files


def parse_upload(name: str, content: bytes) -> RawDirectory:
    """Parse an uploaded file by its kind: .json, .zip of CSV files, or one .csv table."""
    if len(content) > MAX_FILE_BYTES:
        raise HsdsFileError("The file is larger than 20 MB.")
    lowered = name.lower()
    if lowered.endswith(".json"):
        return parse_json(content)
    if lowered.endswith(".zip"):
        return parse_csv_files(read_zip(content))
    if lowered.endswith(".csv"):
        return parse_csv_files({name.rsplit("/", 1)[-1]: content})
    raise HsdsFileError("Upload an HSDS .json file, or a .zip of HSDS CSV files.")
