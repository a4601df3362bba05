"""Turning one source row into typed field values, with a problem for every doubtful cell.

A converter is compiled once per run from the mapping, the header row and the code lists;
it then reads each row without touching the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coresponse.common.models import Code
from coresponse.imports.dates import DateReader
from coresponse.imports.reader import FileRefused, Header
from coresponse.imports.spec import MappingSpec, SpecError, normalize_key
from coresponse.imports.targets import Target, ValueType
from coresponse.programs.models import Department

# A spreadsheet runs a cell as a formula when it starts with = + - @ (OWASP "CSV
# injection"); signed numbers and phone numbers are data, not formulas.
_NUMBER_LIKE = re.compile(r"[+-][\d\s().,/:+-]*\Z")
_FORMULA_FIRST = frozenset("=+-@")
# Runs of spaces, tabs and line breaks inside a cell, collapsed to one space.
_SPACES = re.compile(r"[ \t\n\r\x0b\x0c]{2}|[\t\n\r\x0b\x0c]")
# Identifiers are never shortened: a truncated incident number would merge two calls.
KEY_FIELDS = {"incident_number", "source_ref", "cad_incident_number", "subject_ref", "external_id"}
MAX_VALUE_SHOWN = 200


def is_formula(text: str) -> bool:
    """Whether a (stripped) cell would run as a formula if exported to a spreadsheet."""
    first = text[:1]
    if first in ("=", "@"):
        return True
    return first in ("+", "-") and _NUMBER_LIKE.match(text) is None


class FormulaCell(Exception):
    """A mapped cell that would run as a formula in a spreadsheet (the file is refused)."""

    def __init__(self, column: str, text: str) -> None:
        self.column = column
        self.text = text
        super().__init__(column)

    def refusal(self, number: int) -> FileRefused:
        return FileRefused(
            f"Row {number}, column “{self.column}” starts like a spreadsheet formula "
            f"({self.text[:40]!r}). Formulas are refused so that they cannot run when the data "
            "is exported again: remove them (or put the value in quotes without the leading "
            "sign) and import again.",
            row=number,
        )


def _check_formula(column: str, text: str) -> None:
    if text[0] in _FORMULA_FIRST and is_formula(text):
        raise FormulaCell(column, text)


NO_PROBLEMS: list[Problem] = []


@dataclass
class Problem:
    """Something wrong with one cell: an error rejects the row, a warning keeps it."""

    field: str
    column: str
    code: str
    message: str
    value: str = ""
    is_error: bool = True


@dataclass
class CodeBook:
    """The code lists and departments values can be translated into."""

    codes: dict[str, dict[str, Code]] = field(default_factory=dict)
    departments: list[Department] = field(default_factory=list)

    @classmethod
    def load(cls, departments: list[Department]) -> CodeBook:
        codes: dict[str, dict[str, Code]] = {}
        for code in Code.objects.filter(is_active=True):
            codes.setdefault(code.code_list, {})[code.key] = code
        return cls(codes=codes, departments=departments)


Reader = Callable[[list[str]], tuple[Any, list[Problem]]]


# Rows rejected because they are part of the export's report layout, not records.
REPEATED_HEADER = "repeated_header"
LAYOUT_LINE = "layout_line"


class RowConverter:
    """Reads every mapped field of a row; see `convert`."""

    def __init__(self, spec: MappingSpec, header: Header, book: CodeBook) -> None:
        self.spec = spec
        self.book = book
        self.header_names = list(header.names)
        self.header_keys = [normalize_key(name) for name in header.names]
        self.date_reader = DateReader(spec.date_formats, spec.zone)
        self.true_values = set(spec.true_values)
        self.false_values = set(spec.false_values)
        errors: dict[str, list[str]] = {}
        self.readers: list[tuple[str, Reader]] = []
        for name, target in spec.targets.items():
            columns = spec.columns.get(name, [])
            if not columns and name not in spec.defaults:
                continue
            positions = [header.positions[column] for column in columns]
            try:
                self.readers.append((name, self._reader(target, columns, positions)))
            except SpecError as error:
                for key, messages in error.errors.items():
                    errors.setdefault(key, []).extend(messages)
        if errors:
            raise SpecError(errors)

    def convert(self, cells: list[str]) -> tuple[dict[str, Any], list[Problem]]:
        """The typed values of one row, and its problems (errors reject the row).

        Raises `FormulaCell` when a mapped cell would run as a spreadsheet formula."""
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        for name, reader in self.readers:
            value, found = reader(cells)
            values[name] = value
            if found:
                problems.extend(found)
        if problems and any(problem.is_error for problem in problems):
            layout = self.layout_line(cells)
            if layout is not None:
                return values, [layout]
        return values, problems

    def layout_line(self, cells: list[str]) -> Problem | None:
        """The one reason a rejected row is not a record at all, when it is a line of the
        export's report layout: the header repeated at a page break, or a title, total or
        page line (one cell filled in a file of three columns or more). None otherwise."""
        width = len(self.header_keys)
        if width < 3:
            return None
        filled = [(index, cell.strip()) for index, cell in enumerate(cells) if cell.strip()]
        keys = [normalize_key(cell) for cell in cells[:width]]
        if len(filled) > 1 and keys == self.header_keys[: len(keys)]:
            return Problem(
                "",
                "",
                REPEATED_HEADER,
                "The header row again (a page break in the export), not a record: not imported.",
            )
        if len(filled) != 1:
            return None
        index, text = filled[0]
        column = self.header_names[index] if index < width else f"column {index + 1}"
        shown = text if len(text) <= 60 else text[:59] + "…"
        return Problem(
            "",
            column,
            LAYOUT_LINE,
            f"Only “{column}” has a value (“{shown}”): this looks like a title, total or page "
            "line of the export, not a record; not imported.",
            shown,
        )

    # Building one reader per target -----------------------------------------------------

    def _reader(self, target: Target, columns: list[str], positions: list[int]) -> Reader:
        value_type = target.value_type
        default = self.spec.defaults.get(target.name, "")
        column_label = " + ".join(columns) if columns else "(default)"
        if value_type in (ValueType.DATETIME, ValueType.DATE):
            parse: Callable[[str], tuple[Any, Problem | None]] = self._date_parser(
                target, column_label
            )
        elif value_type == ValueType.BOOL:
            parse = self._bool_parser(target, column_label)
        elif value_type == ValueType.INT:
            parse = self._int_parser(target, column_label)
        elif value_type in (ValueType.CODE, ValueType.CODES):
            parse = self._code_parser(target, column_label)
        elif value_type == ValueType.CHOICE:
            parse = self._choice_parser(target, column_label)
        elif value_type == ValueType.DEPARTMENT:
            parse = self._department_parser(target, column_label)
        else:
            parse = self._text_parser(target, column_label)
        if default:
            default_value, default_problem = parse(default)
            if default_problem is not None and default_problem.is_error:
                raise SpecError({target.name: [f"Default: {default_problem.message}"]})
        else:
            default_value = [] if value_type == ValueType.CODES else None
        if value_type == ValueType.CODES:
            return self._multi_reader(target, columns, positions, parse, default_value)
        if value_type == ValueType.DATETIME and len(positions) > 1:
            return self._joined_reader(target, column_label, positions, parse, default_value)
        position = positions[0] if positions else -1
        has_default = bool(default)
        missing = self._missing(target, column_label)
        if value_type == ValueType.TEXT and not self.spec.value_map(target.name):
            return self._plain_text_reader(target, column_label, position, default_value, missing)

        def read_one(cells: list[str]) -> tuple[Any, list[Problem]]:
            text = cells[position].strip() if 0 <= position < len(cells) else ""
            if not text:
                if has_default:
                    return default_value, NO_PROBLEMS
                return None, missing
            _check_formula(column_label, text)
            value, problem = parse(text)
            return value, [problem] if problem is not None else NO_PROBLEMS

        return read_one

    def _plain_text_reader(
        self, target: Target, column: str, position: int, default_value: Any, missing: list[Problem]
    ) -> Reader:
        """The common case, kept short because it runs millions of times: text without
        translations."""
        slow = self._text_parser(target, column)
        limit = target.max_length or 1 << 30
        spaces = _SPACES.search

        def read_text(cells: list[str]) -> tuple[Any, list[Problem]]:
            text = cells[position].strip() if 0 <= position < len(cells) else ""
            if not text:
                return (
                    (default_value, NO_PROBLEMS) if default_value is not None else (None, missing)
                )
            _check_formula(column, text)
            if spaces(text) is None and len(text) <= limit:
                return text, NO_PROBLEMS
            value, problem = slow(text)
            return value, [problem] if problem is not None else NO_PROBLEMS

        return read_text

    def _missing(self, target: Target, column: str) -> list[Problem]:
        if target.is_required:
            return [Problem(target.name, column, "missing", f"{target.label} is empty.")]
        return NO_PROBLEMS

    def _joined_reader(
        self,
        target: Target,
        column: str,
        positions: list[int],
        parse: Callable[[str], tuple[Any, Problem | None]],
        default_value: Any,
    ) -> Reader:
        def read_joined(cells: list[str]) -> tuple[Any, list[Problem]]:
            parts = [cells[p].strip() for p in positions if p < len(cells)]
            text = " ".join(part for part in parts if part)
            if not text:
                if default_value is not None:
                    return default_value, NO_PROBLEMS
                return None, self._missing(target, column)
            _check_formula(column, text)
            value, problem = parse(text)
            return value, [problem] if problem is not None else NO_PROBLEMS

        return read_joined

    def _multi_reader(
        self,
        target: Target,
        columns: list[str],
        positions: list[int],
        parse: Callable[[str], tuple[Any, Problem | None]],
        default_value: Any,
    ) -> Reader:
        separator = self.spec.separators.get(target.name, "")
        pairs = list(zip(columns, positions, strict=True))

        def read_many(cells: list[str]) -> tuple[Any, list[Problem]]:
            chosen: dict[int, Code] = {}
            problems: list[Problem] = []
            for column, position in pairs:
                text = cells[position].strip() if position < len(cells) else ""
                parts = text.split(separator) if separator and text else [text]
                for part in parts:
                    part = part.strip()
                    if not part:
                        continue
                    _check_formula(column, part)
                    code, problem = parse(part)
                    if problem is not None:
                        problem.column = column
                        problems.append(problem)
                    if code is not None:
                        chosen.setdefault(code.pk, code)
            if not chosen and not any(problem.is_error for problem in problems):
                return list(default_value), problems
            return list(chosen.values()), problems

        return read_many

    def _text_parser(
        self, target: Target, column: str
    ) -> Callable[[str], tuple[Any, Problem | None]]:
        translations = self.spec.value_map(target.name)
        limit = target.max_length or 0
        is_key = target.name in KEY_FIELDS

        def parse_text(text: str) -> tuple[Any, Problem | None]:
            if _SPACES.search(text):
                text = " ".join(text.split())
            if translations:
                text = translations.get(normalize_key(text), text)
            if limit and len(text) > limit:
                if is_key:
                    return None, Problem(
                        target.name,
                        column,
                        "too_long",
                        f"{target.label} has {len(text)} characters; at most {limit} fit.",
                        text[:MAX_VALUE_SHOWN],
                    )
                return text[:limit], Problem(
                    target.name,
                    column,
                    "truncated",
                    f"{target.label} was cut to {limit} characters (it had {len(text)}).",
                    text[:MAX_VALUE_SHOWN],
                    is_error=False,
                )
            return text, None

        return parse_text

    def _date_parser(
        self, target: Target, column: str
    ) -> Callable[[str], tuple[Any, Problem | None]]:
        reader = self.date_reader
        formats = ", ".join(self.spec.date_formats)
        is_date = target.value_type == ValueType.DATE

        def parse_date(text: str) -> tuple[Any, Problem | None]:
            if is_date and len(text) == 4 and text.isdigit():
                return (int(text), None, None), None
            value = reader.read(text)
            if value is None:
                return None, Problem(
                    target.name,
                    column,
                    "bad_date",
                    f"“{text[:40]}” is not a date the mapping can read (formats: {formats}).",
                    text[:MAX_VALUE_SHOWN],
                )
            if is_date:
                return (int(value[:4]), int(value[5:7]), int(value[8:10])), None
            return value, None

        return parse_date

    def _bool_parser(
        self, target: Target, column: str
    ) -> Callable[[str], tuple[Any, Problem | None]]:
        true_values, false_values = self.true_values, self.false_values

        def parse_bool(text: str) -> tuple[Any, Problem | None]:
            key = normalize_key(text)
            if key in true_values:
                return True, None
            if key in false_values:
                return False, None
            message = f"“{text[:40]}” is not yes or no (Y/N, Yes/No, 1/0, True/False, X)."
            if target.is_nullable_bool:
                return None, Problem(
                    target.name, column, "unknown_value", message + " Kept as unknown.", text, False
                )
            return None, Problem(target.name, column, "not_yes_no", message, text[:MAX_VALUE_SHOWN])

        return parse_bool

    def _int_parser(
        self, target: Target, column: str
    ) -> Callable[[str], tuple[Any, Problem | None]]:
        def parse_int(text: str) -> tuple[Any, Problem | None]:
            cleaned = text.replace(",", "")
            if cleaned.endswith(".0"):
                cleaned = cleaned[:-2]
            if not cleaned.isdigit():
                return None, Problem(
                    target.name,
                    column,
                    "not_a_number",
                    f"“{text[:40]}” is not a whole number of minutes.",
                    text[:MAX_VALUE_SHOWN],
                )
            return int(cleaned), None

        return parse_int

    def _code_parser(
        self, target: Target, column: str
    ) -> Callable[[str], tuple[Any, Problem | None]]:
        codes = self.book.codes.get(target.code_list, {})
        lookup = {normalize_key(code.key): code for code in codes.values()}
        lookup.update({normalize_key(code.label): code for code in codes.values()})
        lookup.update({normalize_key(code.key.replace("_", " ")): code for code in codes.values()})
        explicit: dict[str, Code | None] = {}
        bad = []
        for source, key in self.spec.value_map(target.name).items():
            if key in ("", "-"):
                explicit[source] = None
            elif key in codes:
                explicit[source] = codes[key]
            else:
                bad.append(key)
        if bad:
            raise SpecError(
                {
                    target.name: [
                        f"{target.label}: “{key}” is not a code of the list (codes: "
                        f"{', '.join(sorted(codes))})."
                        for key in bad
                    ]
                }
            )
        other = codes.get("other") if self.spec.unknown_codes == "other" else None

        def parse_code(text: str) -> tuple[Any, Problem | None]:
            key = normalize_key(text)
            if key in explicit:
                return explicit[key], None
            code = lookup.get(key)
            if code is not None:
                return code, None
            if other is not None:
                return other, Problem(
                    target.name,
                    column,
                    "unknown_code",
                    f"“{text[:60]}” is not in the mapping for {target.label}: kept as “Other”.",
                    text[:MAX_VALUE_SHOWN],
                    is_error=False,
                )
            return None, Problem(
                target.name,
                column,
                "unknown_code",
                f"“{text[:60]}” is not in the mapping for {target.label}: add it to the "
                "mapping's value translations.",
                text[:MAX_VALUE_SHOWN],
            )

        return parse_code

    def _choice_parser(
        self, target: Target, column: str
    ) -> Callable[[str], tuple[Any, Problem | None]]:
        if target.choices is None:
            raise SpecError({target.name: [f"{target.label} has no list of values."]})
        choices = dict(target.choices.choices)
        lookup = {normalize_key(str(value)): str(value) for value in choices}
        lookup.update({normalize_key(str(label)): str(value) for value, label in choices.items()})
        lookup.update(
            {normalize_key(str(value).replace("_", " ")): str(value) for value in choices}
        )
        explicit: dict[str, str] = {}
        for source, value in self.spec.value_map(target.name).items():
            if value not in choices:
                raise SpecError(
                    {
                        target.name: [
                            f"{target.label}: “{value}” is not one of {', '.join(choices)}."
                        ]
                    }
                )
            explicit[source] = value
        fallback = "unknown" if "unknown" in choices else None

        def parse_choice(text: str) -> tuple[Any, Problem | None]:
            key = normalize_key(text)
            value = explicit.get(key) or lookup.get(key)
            if value is not None:
                return value, None
            if fallback is not None:
                return fallback, Problem(
                    target.name,
                    column,
                    "unknown_code",
                    f"“{text[:60]}” is not in the mapping for {target.label}: kept as “Unknown”.",
                    text[:MAX_VALUE_SHOWN],
                    is_error=False,
                )
            return None, Problem(
                target.name,
                column,
                "unknown_code",
                f"“{text[:60]}” is not in the mapping for {target.label}: add it to the "
                f"mapping's value translations (one of: {', '.join(choices)}).",
                text[:MAX_VALUE_SHOWN],
            )

        return parse_choice

    def _department_parser(
        self, target: Target, column: str
    ) -> Callable[[str], tuple[Any, Problem | None]]:
        by_key: dict[str, Department] = {}
        for department in self.book.departments:
            for name in [department.slug, department.name, *department.towns]:
                by_key.setdefault(normalize_key(name), department)
        by_slug = {department.slug: department for department in self.book.departments}
        explicit: dict[str, Department] = {}
        for source, slug in self.spec.value_map(target.name).items():
            if slug not in by_slug:
                raise SpecError(
                    {target.name: [f"Department “{slug}” is not one you may import into."]}
                )
            explicit[source] = by_slug[slug]

        def parse_department(text: str) -> tuple[Any, Problem | None]:
            key = normalize_key(text)
            department = explicit.get(key) or by_key.get(key)
            if department is None:
                return None, Problem(
                    target.name,
                    column,
                    "unknown_department",
                    f"“{text[:60]}” is not a department you may import into.",
                    text[:MAX_VALUE_SHOWN],
                )
            return department, None

        return parse_department
