"""The content of a mapping profile: parsed from JSON, checked, and written back.

{
  "encoding": "utf-8",            "delimiter": ",",        "sheet": "",
  "header_row": null,             # null: find it in the first rows; or a row number
  "date_formats": ["%m/%d/%Y %H:%M", ...],                 "time_zone": "America/New_York",
  "columns": {"received_at": ["Date", "Time"], "presenting_problems": ["Reason #1", ...]},
  "separators": {"dispositions": ";"},
  "values": {"dispositions": {"crisis stab": "crisis_stabilization"}},
  "defaults": {"ed_outcome": "not_indicated"},
  "true_values": [...], "false_values": [...],
  "unknown_codes": "other"        # or "reject"
}
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from coresponse.imports.targets import Target, ValueType, targets_for

DEFAULT_DATE_FORMATS = [
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y",
    "%m/%d/%y %H:%M",
    "%m/%d/%y",
]
DEFAULT_TRUE = ["y", "yes", "true", "t", "1", "x", "checked", "on"]
DEFAULT_FALSE = ["n", "no", "false", "f", "0", "unchecked", "off"]
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "vertical bar"}
ENCODINGS = {
    "utf-8": "UTF-8",
    "cp1252": "Windows-1252 (Excel on Windows)",
    "latin-1": "ISO-8859-1 (Latin-1)",
    "utf-16": "UTF-16",
}
MAX_HEADER_ROW = 50


_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-"})


def normalize_key(value: str) -> str:
    """How source values and column names are compared: case, spacing, dash style and edge
    punctuation do not matter ("Crisis Stab." == "crisis stab", "25–34" == "25-34")."""
    return " ".join(value.casefold().translate(_DASHES).split()).strip(" .,:;-_")


@dataclass
class MappingSpec:
    """A checked mapping. Build it with `MappingSpec.parse` so errors surface early."""

    kind: str
    columns: dict[str, list[str]]
    encoding: str = "utf-8"
    delimiter: str = ","
    sheet: str = ""
    header_row: int | None = None
    date_formats: list[str] = field(default_factory=lambda: list(DEFAULT_DATE_FORMATS))
    time_zone: str = "America/New_York"
    separators: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    true_values: list[str] = field(default_factory=lambda: list(DEFAULT_TRUE))
    false_values: list[str] = field(default_factory=lambda: list(DEFAULT_FALSE))
    unknown_codes: str = "other"

    @property
    def targets(self) -> dict[str, Target]:
        return targets_for(self.kind)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def mapped_columns(self) -> list[str]:
        """Every source column the mapping reads, in target order, without repeats."""
        seen: dict[str, None] = {}
        for name in self.targets:
            for column in self.columns.get(name, []):
                seen.setdefault(column, None)
        return list(seen)

    def value_map(self, target: str) -> dict[str, str]:
        """The mapping's translations for one field, keyed by normalised source value."""
        return {normalize_key(source): code for source, code in self.values.get(target, {}).items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "date_formats": self.date_formats,
            "time_zone": self.time_zone,
            "columns": self.columns,
            "separators": self.separators,
            "values": self.values,
            "defaults": self.defaults,
            "true_values": self.true_values,
            "false_values": self.false_values,
            "unknown_codes": self.unknown_codes,
        }

    @classmethod
    def parse(cls, kind: str, raw: dict[str, Any]) -> MappingSpec:
        """Build a spec from stored JSON; raise `SpecError` listing every problem."""
        errors: dict[str, list[str]] = {}

        def add(key: str, message: str) -> None:
            errors.setdefault(key, []).append(message)

        targets = targets_for(kind)
        columns = _clean_columns(raw.get("columns") or {}, targets, add)
        spec = cls(
            kind=kind,
            columns=columns,
            encoding=str(raw.get("encoding") or "utf-8"),
            delimiter=str(raw.get("delimiter") or ","),
            sheet=str(raw.get("sheet") or ""),
            header_row=_header_row(raw.get("header_row"), add),
            date_formats=[str(item) for item in raw.get("date_formats") or DEFAULT_DATE_FORMATS],
            time_zone=str(raw.get("time_zone") or "America/New_York"),
            separators={str(k): str(v) for k, v in (raw.get("separators") or {}).items() if v},
            values={
                str(name): {str(k): str(v) for k, v in mapping.items()}
                for name, mapping in (raw.get("values") or {}).items()
            },
            defaults={str(k): str(v) for k, v in (raw.get("defaults") or {}).items() if v != ""},
            true_values=[normalize_key(str(v)) for v in raw.get("true_values") or DEFAULT_TRUE],
            false_values=[normalize_key(str(v)) for v in raw.get("false_values") or DEFAULT_FALSE],
            unknown_codes=str(raw.get("unknown_codes") or "other"),
        )
        _check_settings(spec, add)
        _check_fields(spec, targets, add)
        if errors:
            raise SpecError(errors)
        return spec


class SpecError(ValueError):
    """A mapping that cannot be used, with one message per problem, keyed by setting."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(message for items in errors.values() for message in items))


def _clean_columns(
    raw: dict[str, Any], targets: dict[str, Target], add: Any
) -> dict[str, list[str]]:
    columns: dict[str, list[str]] = {}
    for name, value in raw.items():
        if name not in targets:
            add("columns", f"“{name}” is not a field of this kind of import.")
            continue
        names = [value] if isinstance(value, str) else list(value or [])
        names = [str(item).strip() for item in names if str(item).strip()]
        if not names:
            continue
        if len(names) > 1 and not targets[name].accepts_several_columns:
            add(name, f"{targets[name].label} takes one column, not {len(names)}.")
        columns[name] = names
    return columns


def _header_row(value: Any, add: Any) -> int | None:
    if value in (None, "", "auto"):
        return None
    try:
        row = int(value)
    except (TypeError, ValueError):
        add("header_row", "The header row must be a row number or “automatic”.")
        return None
    if not 1 <= row <= MAX_HEADER_ROW:
        add("header_row", f"The header row must be between 1 and {MAX_HEADER_ROW}.")
    return row


def _check_settings(spec: MappingSpec, add: Any) -> None:
    try:
        codecs.lookup(spec.encoding)
    except LookupError:
        add("encoding", f"“{spec.encoding}” is not a known text encoding.")
    if spec.delimiter not in DELIMITERS:
        add("delimiter", "The delimiter must be a comma, semicolon, tab or vertical bar.")
    try:
        ZoneInfo(spec.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        add("time_zone", f"“{spec.time_zone}” is not a time zone (e.g. America/New_York).")
    if spec.unknown_codes not in ("other", "reject"):
        add("unknown_codes", "Unknown codes are either mapped to “other” or rejected.")
    if not spec.date_formats:
        add("date_formats", "Give at least one date format.")
    from coresponse.imports.dates import DateFormatError, compile_format

    for date_format in spec.date_formats:
        try:
            compile_format(date_format)
        except DateFormatError as error:
            add("date_formats", str(error))
    overlap = set(spec.true_values) & set(spec.false_values)
    if overlap:
        add("true_values", f"“{sorted(overlap)[0]}” cannot mean both yes and no.")


def _check_fields(spec: MappingSpec, targets: dict[str, Target], add: Any) -> None:
    for name, target in targets.items():
        if target.is_required and name not in spec.columns:
            add(name, f"{target.label} must be mapped to a column.")
    for name in [*spec.values, *spec.separators, *spec.defaults]:
        if name not in targets:
            add("values", f"“{name}” is not a field of this kind of import.")
    for name, separator in spec.separators.items():
        if name in targets and targets[name].value_type != ValueType.CODES:
            add(name, f"{targets[name].label} holds one value: it cannot have a separator.")
        if len(separator) != 1 or separator.isalnum():
            add(name, "A separator is one punctuation character such as ; or ,")
