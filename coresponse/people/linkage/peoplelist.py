"""Reading a people list (CSV) for deduplication, refusing bad input with a clear message."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from coresponse.people.linkage.records import FIELDS, PersonRecord, record_from_fields


class PeopleListError(ValueError):
    """The input cannot be deduplicated as given; the message says why and what to do."""


@dataclass
class PeopleList:
    record_ids: list[str]
    records: list[PersonRecord]
    fields: set[str]


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """FIELD=COLUMN pairs → {field: column}; unknown fields and repeats are refused."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        field_name, separator, column = pair.partition("=")
        field_name, column = field_name.strip(), column.strip()
        if not separator or not field_name or not column:
            raise PeopleListError(f'--map needs FIELD=COLUMN, got "{pair}".')
        if field_name not in FIELDS:
            raise PeopleListError(
                f'Unknown field "{field_name}" in --map {pair}; fields are: {", ".join(FIELDS)}.'
            )
        if field_name in mapping:
            raise PeopleListError(f'Field "{field_name}" is mapped twice.')
        mapping[field_name] = column
    return mapping


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise PeopleListError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise PeopleListError(f"{path} is a folder, not a CSV file.") from None
    except OSError as error:
        raise PeopleListError(f"Cannot read {path}: {error.strerror}.") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise PeopleListError(
            f"{path} is not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "save it as “CSV UTF-8” and try again."
        ) from None


def read_people_list(
    path: Path,
    *,
    id_column: str,
    mapping: dict[str, str],
    on_row: Callable[[], None] | None = None,
) -> PeopleList:
    """Every row of the CSV as a record; any problem refuses the whole file."""
    text = _read_text(path)
    if "\x00" in text:
        raise PeopleListError(f"{path} contains NUL bytes: it is not a CSV text file.")
    rows = csv.reader(text.splitlines())
    try:
        header = next(rows)
    except StopIteration:
        raise PeopleListError(f"{path} is empty: expected a header row.") from None
    header = [name.strip() for name in header]
    columns = ", ".join(header)
    if id_column not in header:
        raise PeopleListError(
            f'The id column "{id_column}" is not in the header of {path} (columns: {columns}).'
        )
    if not mapping:
        mapping = {name: name for name in FIELDS if name in header}
    if not mapping:
        raise PeopleListError(
            "No field to compare: map at least one with --map FIELD=COLUMN "
            f"(fields: {', '.join(FIELDS)})."
        )
    for field_name, column in mapping.items():
        if column not in header:
            raise PeopleListError(
                f'Column "{column}" (mapped to {field_name}) is not in the header of {path} '
                f"(columns: {columns})."
            )
    positions = {field_name: header.index(column) for field_name, column in mapping.items()}
    id_position = header.index(id_column)
    seen: dict[str, int] = {}
    record_ids: list[str] = []
    records: list[PersonRecord] = []
    try:
        for line_number, row in enumerate(rows, start=2):
            if not row:
                continue
            if len(row) != len(header):
                raise PeopleListError(
                    f"Row {line_number} has {len(row)} cells but the header has {len(header)}."
                )
            record_id = row[id_position].strip()
            if not record_id:
                raise PeopleListError(f'Row {line_number} has no id in column "{id_column}".')
            if record_id in seen:
                raise PeopleListError(
                    f'Id "{record_id}" appears twice (rows {seen[record_id]} and {line_number}); '
                    "ids must be unique."
                )
            seen[record_id] = line_number
            record_ids.append(record_id)
            records.append(
                record_from_fields({name: row[index] for name, index in positions.items()})
            )
            if on_row:
                on_row()
    except csv.Error as error:
        raise PeopleListError(f"{path} is not valid CSV: {error}.") from None
    if not records:
        raise PeopleListError(f"{path} has a header but no rows.")
    return PeopleList(record_ids=record_ids, records=records, fields=set(mapping))
