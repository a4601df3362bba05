"""Who may import, and who sees (or rolls back) which runs and mappings."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coresponse.dispatch.selectors import calls_visible_to
from coresponse.imports.models import ImportRun
from coresponse.imports.selectors import profiles_visible_to, run_get, runs_visible_to
from coresponse.imports.services import import_run_roll_back
from coresponse.imports.tests.helpers import (
    SAMPLES,
    run_import,
    sample_mapping,
    save_profile,
)

pytestmark = pytest.mark.django_db
PERSONAS = [
    "clinician",
    "supervisor",
    "officer",
    "liaison",
    "analyst",
    "ttac",
    "administrator",
    "outsider",
]


@pytest.fixture
def runs(world):  # type: ignore[no-untyped-def]
    calls_profile = save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    dover_profile = save_profile(
        world.administrator,
        sample_mapping("ashford_cad_mapping.json"),
        department=world.dover,
        name="Dover CAD",
    )
    encounters_profile = save_profile(
        world.supervisor,
        sample_mapping("ashford_program_mapping.json"),
        kind="encounters",
        program=world.ashford_program,
        name="Ashford spreadsheet",
    )
    return {
        "ashford_calls": run_import(
            world.supervisor, calls_profile, SAMPLES / "ashford_cad_calls.csv"
        ),
        "dover_calls": run_import(
            world.administrator, dover_profile, SAMPLES / "ashford_cad_calls.csv"
        ),
        "encounters": run_import(
            world.supervisor, encounters_profile, SAMPLES / "ashford_program_spreadsheet.csv"
        ),
    }


def _visible(actor, runs) -> set[str]:  # type: ignore[no-untyped-def]
    ids = set(runs_visible_to(actor).values_list("pk", flat=True))
    return {name for name, run in runs.items() if run.pk in ids}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("administrator", {"ashford_calls", "dover_calls"}),
        ("supervisor", {"ashford_calls", "encounters"}),
        ("clinician", set()),
        ("officer", set()),
        ("liaison", set()),
        ("analyst", set()),
        ("ttac", set()),
        ("outsider", set()),
        ("foreign_clinician", set()),
    ],
)
def test_runs_are_visible_to_their_departments_importers_only(world, runs, persona, expected):
    assert _visible(getattr(world, persona), runs) == expected


def test_outsider_sees_nothing(world, runs):
    assert not runs_visible_to(world.outsider).exists()
    assert not profiles_visible_to(world.outsider).exists()
    with pytest.raises(Exception) as not_found:
        run_get(world.outsider, runs["ashford_calls"].pk)
    assert not_found.typename == "Http404"


@pytest.mark.parametrize(
    "persona", ["outsider", "clinician", "analyst", "officer", "foreign_clinician"]
)
def test_others_cannot_roll_back_a_run(world, runs, persona):
    with pytest.raises(PermissionDenied):
        import_run_roll_back(actor=getattr(world, persona), run=runs["ashford_calls"])
    runs["ashford_calls"].refresh_from_db()
    assert runs["ashford_calls"].status == ImportRun.Status.COMPLETED


def test_an_administrator_cannot_roll_back_clinical_imports(world, runs):
    with pytest.raises(PermissionDenied):
        import_run_roll_back(actor=world.administrator, run=runs["encounters"])


def test_administrators_cannot_import_encounters(world):
    with pytest.raises(PermissionDenied) as denied:
        save_profile(
            world.administrator,
            sample_mapping("ashford_program_mapping.json"),
            kind="encounters",
            program=world.ashford_program,
        )
    assert str(denied.value) == "Only the program's supervisors import its encounters."


def test_a_supervisor_cannot_import_another_departments_calls(world):
    with pytest.raises(PermissionDenied):
        save_profile(
            world.supervisor, sample_mapping("ashford_cad_mapping.json"), department=world.dover
        )


def test_mapping_names_are_unique_within_the_organization(world):
    save_profile(
        world.administrator, sample_mapping("ashford_cad_mapping.json"), department=world.ashford
    )
    with pytest.raises(ValidationError) as duplicate:
        save_profile(
            world.administrator,
            sample_mapping("ashford_cad_mapping.json"),
            department=world.ashford,
        )
    assert duplicate.value.message_dict == {
        "name": ["A mapping named “Ashford CAD” already exists."]
    }


def test_imported_calls_are_visible_call_by_call_only_to_the_departments_staff(world, runs):
    assert calls_visible_to(world.officer).count() == 6
    assert calls_visible_to(world.clinician).count() == 6
    assert not calls_visible_to(world.outsider).filter(department=world.ashford).exists()
    for persona in ("analyst", "administrator", "ttac", "foreign_clinician"):
        assert not calls_visible_to(getattr(world, persona)).exists()
