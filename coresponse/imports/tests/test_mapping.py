"""Reading values: date formats and time zones, translations to code lists, several columns
into one field, one column with several values, yes/no flags, checks of the mapping itself."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from coresponse.imports.convert import CodeBook, RowConverter, is_formula
from coresponse.imports.dates import DateFormatError, DateReader, compile_format, local_text_to_utc
from coresponse.imports.reader import Header
from coresponse.imports.spec import MappingSpec, SpecError, normalize_key

EASTERN = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("03/04/2019 14:22", "2019-03-04 14:22:00"),
        ("3/4/2019 9:05", "2019-03-04 09:05:00"),
        ("03/04/19 14:22", "2019-03-04 14:22:00"),
        ("03/04/71 14:22", "1971-03-04 14:22:00"),
        ("03/04/2019 12:05 AM", "2019-03-04 00:05:00"),
        ("03/04/2019 12:05 PM", "2019-03-04 12:05:00"),
        ("03/04/2019 1:05 p.m.", "2019-03-04 13:05:00"),
        ("03/04/2019 1422", "2019-03-04 14:22:00"),
        ("4 Mar 2019", "2019-03-04 00:00:00"),
        ("2019-03-04 14:22:09", "2019-03-04 14:22:09"),
        ("2019-03-04T19:22:09Z", "2019-03-04 14:22:09"),
        ("2019-07-04T14:22:00-04:00", "2019-07-04 14:22:00"),
        ("02/30/2019 10:00", None),
        ("03/04/2019 24:10", None),
        ("13/04/2019 10:00", None),
        ("03/04/2019 13:05 PM", None),
        ("yesterday", None),
    ],
)
def test_date_reader_reads_each_format_into_local_text(text, expected):
    reader = DateReader(
        ["%m/%d/%Y %H:%M", "%m/%d/%y %H:%M", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H%M", "%d %b %Y"],
        EASTERN,
    )
    assert reader.read(text) == expected


@pytest.mark.parametrize(
    ("date_format", "message"),
    [
        ("%d/%m", "The date format “%d/%m” needs a year, a month and a day (%Y %m %d)."),
        ("%Y-%m-%d %I:%M", "The date format “%Y-%m-%d %I:%M” uses %I (12-hour) without %p."),
        (
            "%Y-%m-%d %Q",
            "The date format “%Y-%m-%d %Q” uses %Q, which the importer does not read (use %Y "
            "%y %m %d %H %I %M %S %f %p %b %B).",
        ),
        ("%Y-%m-%d %", "The date format “%Y-%m-%d %” ends with a lone %."),
    ],
)
def test_unreadable_date_formats_are_explained(date_format, message):
    with pytest.raises(DateFormatError) as error:
        compile_format(date_format)
    assert str(error.value) == message


def test_local_times_convert_to_utc_like_postgresql_across_daylight_saving():
    to_utc = local_text_to_utc(EASTERN)
    assert to_utc("2019-01-15 09:00:00") == datetime.datetime(
        2019, 1, 15, 14, 0, tzinfo=datetime.UTC
    )
    assert to_utc("2019-07-15 09:00:00") == datetime.datetime(
        2019, 7, 15, 13, 0, tzinfo=datetime.UTC
    )
    # 02:30 on 10 March 2019 never happened (clocks went forward): read before the change.
    assert to_utc("2019-03-10 02:30:00") == datetime.datetime(
        2019, 3, 10, 7, 30, tzinfo=datetime.UTC
    )
    # 01:30 on 3 November 2019 happened twice: read as standard time (the second one).
    assert to_utc("2019-11-03 01:30:00") == datetime.datetime(
        2019, 11, 3, 6, 30, tzinfo=datetime.UTC
    )


def test_normalize_key_ignores_case_spacing_dashes_and_edge_punctuation():
    assert normalize_key("  Crisis   Stab. ") == "crisis stab"
    assert normalize_key("25–34") == normalize_key("25-34") == "25-34"


@pytest.mark.parametrize(
    ("text", "is_formula_cell"),
    [
        ("=1+1", True),
        ("@SUM(A1)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3+cmd|x", True),
        ("-71.3795", False),
        ("+1 (508) 555-0101", False),
        ("12 MAIN ST", False),
        ("- see narrative", True),
    ],
)
def test_formula_cells(text, is_formula_cell):
    assert is_formula(text) is is_formula_cell


def test_spec_checks_report_every_problem():
    with pytest.raises(SpecError) as error:
        MappingSpec.parse(
            "calls",
            {
                "columns": {"incident_number": ["A", "B"], "colour": "C"},
                "time_zone": "Mars/Olympus",
                "delimiter": "x",
                "encoding": "klingon",
                "separators": {"address": ";"},
                "true_values": ["y"],
                "false_values": ["y"],
            },
        )
    assert error.value.errors == {
        "columns": ["“colour” is not a field of this kind of import."],
        "incident_number": ["Incident number takes one column, not 2."],
        "encoding": ["“klingon” is not a known text encoding."],
        "delimiter": ["The delimiter must be a comma, semicolon, tab or vertical bar."],
        "time_zone": ["“Mars/Olympus” is not a time zone (e.g. America/New_York)."],
        "true_values": ["“y” cannot mean both yes and no."],
        "received_at": ["Call received must be mapped to a column."],
        "address": ["Address holds one value: it cannot have a separator."],
    }


ENCOUNTER_HEADER = ["r1", "r2", "r3", "disp", "ed", "sex", "crim", "town", "loc", "case", "when"]


def _converter(world, **spec_overrides):  # type: ignore[no-untyped-def]
    raw = {
        "columns": {
            "occurred_at": "when",
            "presenting_problems": ["r1", "r2", "r3"],
            "dispositions": "disp",
            "ed_outcome": "ed",
            "sex": "sex",
            "has_criminal_conduct": "crim",
            "department": "town",
            "location_text": "loc",
            "source_ref": "case",
        },
        "separators": {"dispositions": ";"},
        "values": {
            "presenting_problems": {"SI": "suicidal_ideation", "n/a": ""},
            "ed_outcome": {"went to ER": "ed_voluntary"},
        },
    }
    raw.update(spec_overrides)
    spec = MappingSpec.parse("encounters", raw)
    header = Header(
        row_number=1,
        names=ENCOUNTER_HEADER,
        positions={name: index for index, name in enumerate(ENCOUNTER_HEADER)},
    )
    return RowConverter(spec, header, CodeBook.load([world.ashford, world.dover]))


def _row(**cells: str) -> list[str]:
    """A row with a date and a key, and the given cells."""
    cells = {"when": "01/02/2020 10:00", "case": "1", **cells}
    return [cells.get(name, "") for name in ENCOUNTER_HEADER]


@pytest.mark.django_db
def test_several_columns_pool_into_one_multi_valued_field(world):
    values, problems = _converter(world).convert(_row(r1="SI", r2="Psychosis", r3="si"))
    assert [code.key for code in values["presenting_problems"]] == [
        "suicidal_ideation",
        "psychosis",
    ]
    assert problems == []


@pytest.mark.django_db
def test_one_column_with_several_values_is_split_on_its_separator(world):
    values, problems = _converter(world).convert(
        _row(disp="Resources offered;  crisis stabilization ;")
    )
    assert [code.key for code in values["dispositions"]] == [
        "resources_offered",
        "crisis_stabilization",
    ]
    assert problems == []


@pytest.mark.django_db
def test_unknown_codes_become_other_with_a_warning_or_are_rejected(world):
    values, problems = _converter(world).convert(_row(r1="Cat hoarding", r2="n/a"))
    assert [code.key for code in values["presenting_problems"]] == ["other"]
    assert [(p.code, p.column, p.is_error, p.message) for p in problems] == [
        (
            "unknown_code",
            "r1",
            False,
            "“Cat hoarding” is not in the mapping for Presenting problems: kept as “Other”.",
        )
    ]
    _, problems = _converter(world, unknown_codes="reject").convert(_row(r1="Cat hoarding"))
    assert [(p.code, p.is_error) for p in problems] == [("unknown_code", True)]


@pytest.mark.django_db
def test_outcomes_are_never_guessed_but_demographics_may_be_unknown(world):
    values, problems = _converter(world).convert(_row(ed="went to er", sex="nonbinary?"))
    assert (values["ed_outcome"], values["sex"]) == ("ed_voluntary", "unknown")
    assert [(p.field, p.code, p.is_error) for p in problems] == [("sex", "unknown_code", False)]
    _, problems = _converter(world).convert(_row(ed="maybe ER"))
    assert [(p.field, p.is_error, p.message) for p in problems] == [
        (
            "ed_outcome",
            True,
            "“maybe ER” is not in the mapping for ED outcome: add it to the mapping's value "
            "translations (one of: not_indicated, ed_diverted, ed_voluntary, ed_involuntary).",
        )
    ]


@pytest.mark.django_db
def test_values_match_code_keys_and_labels_without_a_translation(world):
    values, problems = _converter(world).convert(_row(ed="ED, involuntary", sex="female"))
    assert (values["ed_outcome"], values["sex"], problems) == ("ed_involuntary", "female", [])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cell", "expected"), [("Y", True), ("yes", True), ("X", True), ("n", False), ("0", False)]
)
def test_yes_no_flags(world, cell, expected):
    values, problems = _converter(world).convert(_row(crim=cell))
    assert (values["has_criminal_conduct"], problems) == (expected, [])


@pytest.mark.django_db
def test_an_unrecognised_flag_rejects_the_row(world):
    _, problems = _converter(world).convert(_row(crim="maybe"))
    assert [(p.code, p.is_error, p.message) for p in problems] == [
        (
            "not_yes_no",
            True,
            "“maybe” is not yes or no (Y/N, Yes/No, 1/0, True/False, X).",
        )
    ]


@pytest.mark.django_db
def test_departments_are_found_by_town_name_or_slug(world):
    converter = _converter(world)
    for cell in ("Dover", "dover pd", "DOVER"):
        values, _ = converter.convert(_row(town=cell))
        assert values["department"] == world.dover
    values, problems = converter.convert(_row(town="Zeta"))
    assert values["department"] is None
    assert [p.message for p in problems] == ["“Zeta” is not a department you may import into."]


@pytest.mark.django_db
def test_long_text_is_cut_with_a_warning_but_long_keys_reject_the_row(world):
    values, problems = _converter(world).convert(_row(loc="x" * 250, case="k" * 90))
    assert len(values["location_text"]) == 200
    assert [(p.field, p.code, p.is_error) for p in problems] == [
        ("source_ref", "too_long", True),
        ("location_text", "truncated", False),
    ]


@pytest.mark.django_db
def test_a_default_fills_blank_cells(world):
    converter = _converter(world, defaults={"ed_outcome": "not_indicated"})
    values, problems = converter.convert(_row())
    assert (values["ed_outcome"], problems) == ("not_indicated", [])


@pytest.mark.django_db
def test_translations_to_codes_that_do_not_exist_are_refused(world):
    with pytest.raises(SpecError) as error:
        _converter(world, values={"dispositions": {"stab": "stabilisation"}})
    assert error.value.errors["dispositions"][0].startswith(
        "Dispositions: “stabilisation” is not a code of the list (codes: arrested, "
    )
