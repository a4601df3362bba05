"""Guards of STYLE.md's rules that a reviewer would otherwise have to remember."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PERSON_LEVEL_MODELS = [
    "Person",
    "PersonAlias",
    "SafetyFlag",
    "Encounter",
    "ClinicalNote",
    "Screening",
    "Referral",
    "FollowUp",
    "Consent",
]
PERSON_LEVEL = r"\b(" + "|".join(PERSON_LEVEL_MODELS) + r")\.objects\b"


def _entry_points() -> list[Path]:
    files = []
    for pattern in ("*/views.py", "*/api.py", "*/forms.py", "*/views/*.py", "*/api/*.py"):
        files.extend(ROOT.glob(pattern))
    return sorted(files)


def test_views_api_and_forms_read_person_level_data_only_through_selectors():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _entry_points()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(PERSON_LEVEL, line)
    ]
    assert offenders == []


def test_no_template_or_static_file_loads_from_a_cdn():
    pattern = re.compile(
        r"https?://(cdn|unpkg|cdnjs|ajax\.googleapis|fonts\.googleapis|"
        r"code\.jquery|cdn\.jsdelivr)",
        re.IGNORECASE,
    )
    offenders = [
        str(path.relative_to(ROOT))
        for suffix in ("*.html", "*.js", "*.css")
        for path in ROOT.rglob(suffix)
        if pattern.search(path.read_text(errors="ignore"))
    ]
    assert offenders == []


def test_no_inline_script_in_templates():
    offenders = []
    for path in ROOT.rglob("templates/**/*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script(?P<attrs>[^>]*)>", text):
            if "src=" not in match.group("attrs") and "application/json" not in match.group(
                "attrs"
            ):
                offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.relative_to(ROOT)} (inline event handler)")
    assert offenders == []


def test_model_choice_lists_are_read_with_one_query():
    # Django's own choice fields stream their lists through a server-side cursor on
    # PostgreSQL (three round trips each); coresponse.common.fields reads them at once.
    pattern = re.compile(r"\bforms\.Model(Multiple)?ChoiceField\b")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted(ROOT.glob("*/**/*.py"))
        if "tests" not in path.parts and path.name != "fields.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []
