"""`coresponse people dedupe`: its interface, its output and every refusal message."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = "id,first,last,born,town\n"
ROWS = (
    "1,Katherine,Sullivan,1979-04-12,Ashford\n"
    "2,Kathy,Sulivan,1979-04-12,Ashford\n"
    "3,Sullivan,Katherine,1979,Ashford\n"
    "4,John,Smith,1950-01-01,Dover\n"
    "5,Mary,Jones,1990-02-03,Easton\n"
)
MAPS = ["--map", "first_name=first", "--map", "last_name=last", "--map", "dob=born"]


def run(tmp_path: Path, text: str | bytes, *args: str) -> Path:
    source = tmp_path / "in.csv"
    if isinstance(text, bytes):
        source.write_bytes(text)
    else:
        source.write_text(text, encoding="utf-8")
    output = tmp_path / "out.csv"
    call_command("people", "dedupe", str(source), *args, "--output", str(output))
    return output


def test_writes_one_cluster_per_person_and_one_row_per_input_row(tmp_path: Path) -> None:
    output = run(tmp_path, HEADER + ROWS, "--id-column", "id", *MAPS, "--map", "town=town")
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["record_id", "cluster_id"],
        ["1", "1"],
        ["2", "1"],
        ["3", "1"],
        ["4", "2"],
        ["5", "3"],
    ]


def test_columns_named_like_fields_are_used_without_a_map(tmp_path: Path) -> None:
    text = "pid,first_name,last_name,dob\na,Kathy,Sullivan,1979-04-12\nb,Kathy,Sulivan,1979\n"
    output = run(tmp_path, text, "--id-column", "pid")
    assert output.read_text(encoding="utf-8").splitlines() == ["record_id,cluster_id", "a,1", "b,1"]


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    output = run(tmp_path, (HEADER + ROWS).encode("utf-8-sig"), "--id-column", "id", *MAPS)
    assert output.read_text(encoding="utf-8").startswith("record_id,cluster_id\n1,1\n")


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (
            HEADER + ROWS,
            ["--id-column", "pid", *MAPS],
            'The id column "pid" is not in the header of {path} '
            "(columns: id, first, last, born, town).",
        ),
        (
            HEADER + "1,A,B,1980,X\n1,C,D,1981,Y\n",
            ["--id-column", "id", *MAPS],
            'Id "1" appears twice (rows 2 and 3); ids must be unique.',
        ),
        (
            HEADER + ",A,B,1980,X\n",
            ["--id-column", "id", *MAPS],
            'Row 2 has no id in column "id".',
        ),
        (
            HEADER + ROWS,
            ["--id-column", "id", "--map", "birthday=born"],
            'Unknown field "birthday" in --map birthday=born; fields are: first_name, '
            "last_name, full_name, dob, birth_year, sex, address, town, postcode, phone, "
            "external_id.",
        ),
        (
            HEADER + ROWS,
            ["--id-column", "id", "--map", "dob=birth"],
            'Column "birth" (mapped to dob) is not in the header of {path} '
            "(columns: id, first, last, born, town).",
        ),
        (
            HEADER + ROWS,
            ["--id-column", "id", "--map", "dob"],
            '--map needs FIELD=COLUMN, got "dob".',
        ),
        (
            HEADER + ROWS,
            ["--id-column", "id", "--map", "dob=born", "--map", "dob=town"],
            'Field "dob" is mapped twice.',
        ),
        (
            HEADER + ROWS,
            ["--id-column", "id", *MAPS, "--threshold", "1.5"],
            "--threshold must be a probability between 0 and 1 (exclusive), got 1.5.",
        ),
        (
            "id,first,last\n1,A,B\n",
            ["--id-column", "id"],
            "No field to compare: map at least one with --map FIELD=COLUMN (fields: "
            "first_name, last_name, full_name, dob, birth_year, sex, address, town, "
            "postcode, phone, external_id).",
        ),
        (
            HEADER + "1,A,B,1980\n",
            ["--id-column", "id", *MAPS],
            "Row 2 has 4 cells but the header has 5.",
        ),
        ("", ["--id-column", "id", *MAPS], "{path} is empty: expected a header row."),
        (HEADER, ["--id-column", "id", *MAPS], "{path} has a header but no rows."),
        (
            (HEADER + "1,José,Núñez,1980,X\n").encode("latin-1"),
            ["--id-column", "id", *MAPS],
            "{path} is not UTF-8 text (byte 0xe9 at offset 29); save it as “CSV UTF-8” "
            "and try again.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    tmp_path: Path, text: str | bytes, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError) as refused:
        run(tmp_path, text, *args)
    assert str(refused.value) == message.format(path=tmp_path / "in.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_input_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as refused:
        call_command(
            "people", "dedupe", str(tmp_path / "nope.csv"), "--id-column", "id",
            "--output", str(tmp_path / "out.csv"),
        )  # fmt: skip
    assert str(refused.value) == f"{tmp_path / 'nope.csv'} does not exist."


def test_the_command_line_exits_non_zero_without_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "in.csv"
    source.write_text(HEADER + ROWS, encoding="utf-8")
    finished = subprocess.run(  # noqa: S603 - our own entry point, fixed arguments
        [sys.executable, "-m", "coresponse.cli", "people", "dedupe", str(source),
         "--id-column", "nope", "--output", str(tmp_path / "out.csv")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert 'The id column "nope" is not in the header' in finished.stderr
