"""Opening an export as a stream of rows: CSV in any delimiter and encoding, or XLSX read in
streaming mode; finding the header row; refusing malformed files with a clear message.

Nothing here holds more than one row (plus the first rows searched for the header) in memory,
whatever the size of the file.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from coresponse.imports.dates import cell_text
from coresponse.imports.spec import (
    DELIMITERS,
    ENCODINGS,
    MAX_HEADER_ROW,
    MappingSpec,
    normalize_key,
)

# Excel's own limit for one cell: anything longer is not an export, usually an unbalanced
# quote that swallowed the rest of the file.
MAX_CELL_CHARS = 32_767
SNIFF_BYTES = 64 * 1024


class FileRefused(Exception):
    """The file as a whole cannot be imported; nothing of it is kept."""

    def __init__(self, message: str, *, row: int | None = None) -> None:
        self.message = message
        self.row = row
        super().__init__(message)


@dataclass(frozen=True)
class Header:
    """The header row: where it is and which column index each mapped column has."""

    row_number: int
    names: list[str]
    positions: dict[str, int]  # source column name as mapped -> index in a row


def _letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def find_header(spec: MappingSpec, first_rows: list[tuple[int, list[str]]]) -> Header:
    """Find the row naming every mapped column, or refuse the file saying what is missing."""
    wanted = spec.mapped_columns()
    wanted_keys = {normalize_key(name): name for name in wanted}
    if not any(any(cell.strip() for cell in row) for _, row in first_rows):
        raise FileRefused("The file is empty: it has no rows.")

    def missing_in(row: list[str]) -> list[str]:
        present = {normalize_key(cell) for cell in row}
        return [name for key, name in wanted_keys.items() if key not in present]

    complete = [(number, row) for number, row in first_rows if not missing_in(row)]
    if spec.header_row is not None:
        chosen = [(number, row) for number, row in first_rows if number == spec.header_row]
        if not chosen:
            raise FileRefused(
                f"The mapping says the header is on row {spec.header_row}, "
                f"but the file has only {len(first_rows)} rows."
            )
        number, row = chosen[0]
        missing = missing_in(row)
        if missing:
            hint = ""
            if complete:
                hint = (
                    f" The header appears to be on row {complete[0][0]}: set the mapping's "
                    f"header row to {complete[0][0]}, or to automatic."
                )
            raise FileRefused(
                f"Row {number} is not the header row: the mapped columns {_quoted(missing)} "
                f"are not on it.{hint}",
                row=number,
            )
    elif complete:
        number, row = complete[0]
    else:
        best_number, best_row = max(
            first_rows, key=lambda item: (len(wanted) - len(missing_in(item[1])), -item[0])
        )
        missing = missing_in(best_row)
        found = [cell.strip() for cell in best_row if cell.strip()]
        raise FileRefused(
            f"The mapped columns {_quoted(missing)} are not in the file. The closest header "
            f"row is row {best_number}, with the columns {_quoted(found[:30])}. Correct the "
            "mapping or check that this is the right file." + _delimiter_hint(spec, first_rows),
            row=best_number,
        )
    return _header_from(spec, number, row, wanted_keys)


def _delimiter_hint(spec: MappingSpec, first_rows: list[tuple[int, list[str]]]) -> str:
    if not first_rows:
        return ""
    joined = " ".join(" ".join(row) for _, row in first_rows[:5])
    for delimiter, name in DELIMITERS.items():
        if delimiter != spec.delimiter and joined.count(delimiter) >= len(first_rows[:5]):
            return f" The columns may be separated by a {name}: check the mapping's delimiter."
    return ""


def _header_from(
    spec: MappingSpec, number: int, row: list[str], wanted_keys: dict[str, str]
) -> Header:
    positions: dict[str, int] = {}
    for index, cell in enumerate(row):
        key = normalize_key(cell)
        if key not in wanted_keys:
            continue
        name = wanted_keys[key]
        if name in positions:
            raise FileRefused(
                f"The column “{name}” appears twice on the header row (columns "
                f"{_letters(positions[name])} and {_letters(index)}): rename one of them.",
                row=number,
            )
        positions[name] = index
    return Header(row_number=number, names=[cell.strip() for cell in row], positions=positions)


class RowSource:
    """The data rows of a file after its header, with progress for a progress bar."""

    header: Header
    total: int  # progress units: bytes for CSV, rows for XLSX
    kind: str

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        raise NotImplementedError

    def done(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> RowSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_cells(number: int, row: list[str]) -> None:
    if row and max(map(len, row)) > MAX_CELL_CHARS:
        longest = max(range(len(row)), key=lambda index: len(row[index]))
        raise FileRefused(
            f"Row {number}, column {_letters(longest)} holds {len(row[longest]):,} characters, "
            f"more than a spreadsheet cell can ({MAX_CELL_CHARS:,}). This usually means an "
            "unclosed quote swallowed the rows after it; fix the file and import it again.",
            row=number,
        )


class CsvSource(RowSource):
    kind = "csv"

    def __init__(self, path: Path, spec: MappingSpec, encoding: str) -> None:
        self.spec = spec
        self.encoding = encoding
        self.binary: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.total = path.stat().st_size
        lines: Iterator[str]
        # Whether a line longer than a cell may be has been read since the last row.
        self.long_line = False
        if encoding.startswith("utf-16"):
            # Two-byte line breaks: only a text wrapper splits UTF-16 into lines correctly.
            lines = io.TextIOWrapper(self.binary, encoding=encoding, errors="strict", newline="")
            self.long_line = True
            self.always_check = True
        else:
            lines = self._decoded_lines()
            self.always_check = False
        self.reader = csv.reader(lines, delimiter=spec.delimiter, strict=False)
        self.number = 0
        try:
            first = self._read_rows(MAX_HEADER_ROW)
            self.header = find_header(spec, first)
        except FileRefused:
            self.close()
            raise
        self.pending = [item for item in first if item[0] > self.header.row_number]

    def _decoded_lines(self) -> Iterator[str]:
        # Decoding line by line (rather than in 8 KB chunks) lets a decoding error name the
        # row it is on.
        encoding = self.encoding
        for raw in self.binary:
            if len(raw) > MAX_CELL_CHARS:
                self.long_line = True
            try:
                yield raw.decode(encoding)
            except UnicodeDecodeError as error:
                raise FileRefused(
                    _encoding_message(self.encoding, error, self.number + 1), row=self.number + 1
                ) from None
            if encoding == "utf-8-sig":
                encoding = "utf-8"

    def _next(self) -> list[str] | None:
        try:
            row = next(self.reader)
        except StopIteration:
            return None
        except UnicodeDecodeError as error:
            raise FileRefused(
                _encoding_message(self.encoding, error, self.number + 1), row=self.number + 1
            ) from None
        except csv.Error as error:
            raise FileRefused(
                f"Row {self.number + 1} cannot be read as CSV ({error}). Check that the file is "
                "a CSV export and that its quotes are balanced.",
                row=self.number + 1,
            ) from None
        self.number += 1
        _check_cells(self.number, row)
        return row

    def _read_rows(self, limit: int) -> list[tuple[int, list[str]]]:
        rows = []
        while len(rows) < limit:
            row = self._next()
            if row is None:
                break
            rows.append((self.number, row))
        return rows

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        yield from self.pending
        self.pending = []
        reader = self.reader
        lines_read = reader.line_num
        try:
            for row in reader:
                self.number += 1
                # Cells can only be too long on a long line or in a record spanning lines.
                if self.long_line or reader.line_num != lines_read + 1:
                    _check_cells(self.number, row)
                    self.long_line = self.always_check
                lines_read = reader.line_num
                yield self.number, row
        except UnicodeDecodeError as error:
            raise FileRefused(
                _encoding_message(self.encoding, error, self.number + 1), row=self.number + 1
            ) from None
        except csv.Error as error:
            raise FileRefused(
                f"Row {self.number + 1} cannot be read as CSV ({error}). Check that the file is "
                "a CSV export and that its quotes are balanced.",
                row=self.number + 1,
            ) from None

    def done(self) -> int:
        return self.binary.tell()

    def close(self) -> None:
        self.binary.close()


def _encoding_message(encoding: str, error: UnicodeDecodeError, row: int) -> str:
    label = ENCODINGS.get(encoding.replace("-sig", ""), encoding)
    byte = error.object[error.start : error.start + 1].hex().upper()
    advice = (
        "Save the file as UTF-8, or set the mapping's encoding to Windows-1252 if it came "
        "from Excel on Windows."
        if encoding.startswith("utf-8")
        else "Set the mapping's encoding to the one the file was saved in."
    )
    return (
        f"The file is not valid {label} text: the byte 0x{byte} near row {row} cannot be read. "
        f"{advice} Nothing was imported."
    )


class XlsxSource(RowSource):
    kind = "xlsx"

    def __init__(self, path: Path, spec: MappingSpec) -> None:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            self.workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
            raise FileRefused(
                "The workbook cannot be opened: it is damaged or not an .xlsx file. Open it in "
                "a spreadsheet program and save it again as .xlsx or CSV."
            ) from None
        sheets = self.workbook.worksheets
        if spec.sheet:
            if spec.sheet not in self.workbook.sheetnames:
                self.workbook.close()
                raise FileRefused(
                    f"The workbook has no sheet named “{spec.sheet}” (sheets: "
                    f"{_quoted(self.workbook.sheetnames)})."
                )
            sheet: Any = self.workbook[spec.sheet]
        elif sheets:
            sheet = sheets[0]
        else:
            self.workbook.close()
            raise FileRefused("The workbook has no worksheet.")
        self.total = sheet.max_row or 0
        # Some writers record a wrong sheet size; reading it would silently cut the rows.
        sheet.reset_dimensions()
        self.iterator = sheet.iter_rows(values_only=True)
        self.number = 0
        first = []
        try:
            while len(first) < MAX_HEADER_ROW:
                row = self._next()
                if row is None:
                    break
                first.append((self.number, row))
            self.header = find_header(spec, first)
        except FileRefused:
            self.close()
            raise
        self.pending = [item for item in first if item[0] > self.header.row_number]

    def _next(self) -> list[str] | None:
        try:
            values = next(self.iterator)
        except StopIteration:
            return None
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError):
            raise FileRefused(
                f"The workbook is damaged near row {self.number + 1}: open it in a spreadsheet "
                "program and save it again.",
                row=self.number + 1,
            ) from None
        self.number += 1
        row = [cell_text(value) for value in values]
        _check_cells(self.number, row)
        return row

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        yield from self.pending
        self.pending = []
        while True:
            row = self._next()
            if row is None:
                return
            yield self.number, row

    def done(self) -> int:
        return self.number

    def close(self) -> None:
        self.workbook.close()


def open_source(path: Path, spec: MappingSpec) -> RowSource:
    """Open a CSV or XLSX file (recognised by content, not by name) positioned after its
    header row; refuse it with a clear message when it cannot be read."""
    with open(path, "rb") as probe:
        start = probe.read(SNIFF_BYTES)
    if not start.strip():
        raise FileRefused("The file is empty: it has no rows.")
    if start.startswith(b"PK\x03\x04"):
        return XlsxSource(path, spec)
    if start.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "This is an old Excel (.xls) workbook, which cannot be read safely. Open it in a "
            "spreadsheet program and save it as .xlsx or CSV."
        )
    encoding = spec.encoding
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif start.startswith(b"\xef\xbb\xbf") or encoding == "utf-8":
        encoding = "utf-8-sig"
    if b"\x00" in start and not encoding.startswith("utf-16"):
        raise FileRefused(
            "The file contains binary data (NUL bytes), so it is not a CSV text export. If it "
            "is a UTF-16 “Unicode text” export, set the mapping's encoding to UTF-16."
        )
    return CsvSource(path, spec, encoding)
