"""A fast reader for the ordinary rows of a CAD export.

CAD exports run to millions of rows, and the general `RowConverter` spends most of its time
being general. This reader handles the common shape only — one column per field, no
defaults, no department column — and only rows with nothing unusual in them. Any doubt
(a missing or unreadable value, a long text, a possible formula, odd spacing, a flag it does
not know) hands the whole row to the general converter, so the result is always exactly
the general converter's (a test compares both on every kind of row).
"""

from __future__ import annotations

import re
from typing import Any

from coresponse.imports.convert import Problem, RowConverter
from coresponse.imports.reader import Header
from coresponse.imports.spec import MappingSpec, normalize_key
from coresponse.imports.targets import ValueType

TEXTS = (
    "incident_number",
    "initial_call_type",
    "final_call_type",
    "disposition",
    "priority",
    "address",
    "subject_ref",
)
TIMES = ("received_at", "dispatched_at", "arrived_at", "cleared_at")
HANDLED = {*TEXTS, *TIMES, "is_flagged_mental_health"}
# The cells of a row are searched at once, joined with a printable character that is not
# whitespace (so one cell's spacing never runs into the next). Should a cell contain it, the
# worst outcome is a false alarm: the row takes the general path.
SEPARATOR = "|"
# A cell starting like a formula (possibly after spaces).
_FORMULA_START = re.compile(r"\|\s*[=+\-@]")


def _is_unusual(cells: list[str]) -> bool:
    joined = SEPARATOR + SEPARATOR.join(cells)
    # Tabs, line breaks and other control characters are not printable.
    return "  " in joined or not joined.isprintable() or _FORMULA_START.search(joined) is not None


class FastCallRows:
    """Reads a row like `RowConverter.convert` does, faster, for ordinary rows."""

    def __init__(self, spec: MappingSpec, header: Header, general: RowConverter) -> None:
        self.general = general.convert
        self.width = len(header.names)
        targets = spec.targets
        self.positions = {
            name: header.positions[columns[0]] for name, columns in spec.columns.items()
        }
        self.texts = [name for name in TEXTS if name in spec.columns]
        self.times = [name for name in TIMES if name in spec.columns]
        self.has_flag = "is_flagged_mental_health" in spec.columns
        self.limits = {name: targets[name].max_length or 1 << 30 for name in TEXTS}
        self.translations = {name: spec.value_map(name) for name in TEXTS}
        self.true_values = {value for value in spec.true_values if value == value.lower()}
        self.false_values = {value for value in spec.false_values if value == value.lower()}
        self.read_date = general.date_reader.read
        # The first format, when it is a "DATE TIME" one, read inline from its caches.
        first = general.date_reader.entries[0][0] if general.date_reader.entries else None
        self.first_format = first

    @classmethod
    def build(cls, spec: MappingSpec, header: Header, general: RowConverter) -> FastCallRows | None:
        """The fast reader, or None when the mapping needs the general one."""
        if spec.defaults or "department" in spec.columns:
            return None
        for name, columns in spec.columns.items():
            if name not in HANDLED or len(columns) != 1:
                return None
        if spec.targets["received_at"].value_type != ValueType.DATETIME:
            return None
        return cls(spec, header, general)

    def convert(self, cells: list[str]) -> tuple[dict[str, Any], list[Problem]]:
        if len(cells) != self.width or _is_unusual(cells):
            return self.general(cells)
        values = self._read(cells)
        if values is None:
            return self.general(cells)
        return values, []

    def _read(self, cells: list[str]) -> dict[str, Any] | None:
        positions = self.positions
        values: dict[str, Any] = {}
        for name in self.texts:
            text = cells[positions[name]].strip()
            if not text:
                if name == "incident_number":
                    return None
                values[name] = None
                continue
            if len(text) > self.limits[name]:
                return None
            translations = self.translations[name]
            if translations:
                text = translations.get(normalize_key(text), text)
                if len(text) > self.limits[name]:
                    return None
            values[name] = text
        read_date = self.read_date
        first = self.first_format
        dates = first.dates if first is not None else {}
        times = first.times if first is not None else {}
        for name in self.times:
            text = cells[positions[name]].strip()
            if not text:
                if name == "received_at":
                    return None
                values[name] = None
                continue
            # The first format's answer, straight from its caches when both halves are known
            # (what `read_date` would answer first); otherwise the full reading.
            head, space, tail = text.partition(" ")
            day = dates.get(head) if space else None
            clock = times.get(tail) if day else None
            moment = f"{day} {clock}" if clock else read_date(text)
            if moment is None:
                return None
            values[name] = moment
        if not self.has_flag:
            return values
        flag = cells[positions["is_flagged_mental_health"]].strip()
        if flag:
            lowered = flag.lower()
            if lowered in self.true_values:
                values["is_flagged_mental_health"] = True
            elif lowered in self.false_values:
                values["is_flagged_mental_health"] = False
            else:
                return None
        else:
            values["is_flagged_mental_health"] = None
        return values
