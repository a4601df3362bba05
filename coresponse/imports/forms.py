"""Forms of the import pages: starting a run, and editing a mapping profile field by field."""

from __future__ import annotations

from typing import Any

from django import forms

from coresponse.accounts.access import Actor
from coresponse.common.fields import ModelChoiceField
from coresponse.imports.models import ImportKind, MappingProfile
from coresponse.imports.selectors import (
    call_departments_for,
    encounter_programs_for,
    profiles_visible_to,
)
from coresponse.imports.spec import DEFAULT_DATE_FORMATS, DELIMITERS, ENCODINGS, MappingSpec
from coresponse.imports.targets import Target, ValueType, targets_for
from coresponse.programs.models import Department, Program

MAX_UPLOAD_BYTES = 2 * 1024**3


class RunForm(forms.Form):
    profile = ModelChoiceField(queryset=MappingProfile.objects.none(), label="Mapping")
    file = forms.FileField(
        label="File (CSV or XLSX)",
        help_text="Any size: it is read as a stream. Nothing is kept of it after the import.",
    )
    is_dry_run = forms.BooleanField(
        required=False, label="Dry run: check everything, change nothing"
    )
    is_strict = forms.BooleanField(
        required=False, label="Strict: import nothing if any row is rejected"
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"].queryset = profiles_visible_to(actor).order_by("kind", "name")  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The file is larger than 2 GB: import it with the command line "
                "(coresponse import calls FILE --mapping NAME)."
            )
        return upload


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _translations_text(values: dict[str, str]) -> str:
    return "\n".join(f"{source} = {code}" for source, code in values.items())


def _parse_translations(text: str) -> tuple[dict[str, str], list[str]]:
    values: dict[str, str] = {}
    bad: list[str] = []
    for line in _lines(text):
        source, equals, code = line.rpartition("=")
        if not equals or not source.strip():
            bad.append(line)
            continue
        values[source.strip()] = code.strip()
    return values, bad


class MappingForm(forms.Form):
    """Every setting of a mapping; the fields of each target are named `<part>__<target>`."""

    name = forms.CharField(max_length=100)
    department = ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        help_text="Leave empty only if a column names each row's department.",
    )
    program = ModelChoiceField(queryset=Program.objects.none(), required=False)
    encoding = forms.ChoiceField(choices=list(ENCODINGS.items()))
    delimiter = forms.ChoiceField(
        choices=[(value, label) for value, label in DELIMITERS.items()],
        help_text="For CSV files.",
    )
    sheet = forms.CharField(
        required=False, help_text="For workbooks: the sheet's name (empty: the first sheet)."
    )
    header_row = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=50,
        help_text="Empty: found automatically (the first row naming every mapped column).",
    )
    date_formats = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line, tried in this order: %Y %y %m %d %H %I %M %S %p %b. ISO dates "
        "(2021-03-04 14:22) are always understood.",
    )
    time_zone = forms.CharField(max_length=64)
    unknown_codes = forms.ChoiceField(
        choices=[("other", "Keep as “Other”, with a warning"), ("reject", "Reject the row")],
        label="Values not in a code list",
    )
    true_values = forms.CharField(required=False, label="Words meaning yes")
    false_values = forms.CharField(required=False, label="Words meaning no")

    def __init__(self, *args: Any, actor: Actor, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.targets = targets_for(kind)
        if kind == ImportKind.CALLS:
            self.fields["department"].queryset = call_departments_for(actor)  # type: ignore[attr-defined]
            del self.fields["program"]
        else:
            programs = encounter_programs_for(actor)
            program_field = ModelChoiceField(queryset=programs, required=True)
            self.fields["program"] = program_field
            self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
                programs__in=programs
            ).distinct()
            self.fields[
                "department"
            ].help_text = "The default department of the rows (a Department column overrides it)."
        for name, target in self.targets.items():
            self._add_target_fields(name, target)

    def _add_target_fields(self, name: str, target: Target) -> None:
        several = target.accepts_several_columns
        self.fields[f"col__{name}"] = forms.CharField(
            required=False,
            label=target.label,
            help_text=(
                "Column names separated by commas" + (" (joined in order)" if several else "")
                if several
                else target.help
            ),
        )
        if target.value_type == ValueType.CODES:
            self.fields[f"sep__{name}"] = forms.CharField(
                required=False, max_length=1, label="Separator within a cell"
            )
        self.fields[f"default__{name}"] = forms.CharField(required=False, label="Value when empty")
        if target.value_type != ValueType.DATETIME:
            self.fields[f"values__{name}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label="Translations",
                help_text="One per line: source value = code",
            )

    def scope_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("name", "department", "program") if name in self.fields]

    def setting_fields(self) -> list[forms.BoundField]:
        names = ["encoding", "delimiter", "sheet", "header_row", "date_formats", "time_zone"]
        names += ["unknown_codes", "true_values", "false_values"]
        return [self[name] for name in names]

    def target_rows(self) -> list[dict[str, Any]]:
        """The bound fields of each target, for the template's table."""
        rows = []
        for name, target in self.targets.items():
            rows.append(
                {
                    "target": target,
                    "column": self[f"col__{name}"],
                    "separator": self[f"sep__{name}"] if f"sep__{name}" in self.fields else None,
                    "default": self[f"default__{name}"],
                    "values": self[f"values__{name}"] if f"values__{name}" in self.fields else None,
                }
            )
        return rows

    def spec_json(self) -> dict[str, Any]:
        """The mapping as JSON, from cleaned data (checked by `MappingSpec.parse` later)."""
        data = self.cleaned_data
        spec: dict[str, Any] = {
            "encoding": data["encoding"],
            "delimiter": data["delimiter"],
            "sheet": data.get("sheet") or "",
            "header_row": data.get("header_row"),
            "date_formats": _lines(data["date_formats"]),
            "time_zone": data["time_zone"].strip(),
            "unknown_codes": data["unknown_codes"],
            "columns": {},
            "separators": {},
            "values": {},
            "defaults": {},
        }
        for key in ("true_values", "false_values"):
            words = [word.strip() for word in (data.get(key) or "").split(",") if word.strip()]
            if words:
                spec[key] = words
        for name in self.targets:
            columns = [part.strip() for part in data.get(f"col__{name}", "").split(",")]
            columns = [column for column in columns if column]
            if columns:
                spec["columns"][name] = columns
            if data.get(f"sep__{name}"):
                spec["separators"][name] = data[f"sep__{name}"]
            if data.get(f"default__{name}", "").strip():
                spec["defaults"][name] = data[f"default__{name}"].strip()
            translations, bad = _parse_translations(data.get(f"values__{name}", "") or "")
            if bad:
                self.add_error(f"values__{name}", f"“{bad[0]}” is not “source value = code”.")
            if translations:
                spec["values"][name] = translations
        return spec

    def add_spec_errors(self, errors: dict[str, list[str]]) -> None:
        """Show the checks of `MappingSpec.parse` / the services next to their fields."""
        for key, messages in errors.items():
            field = key if key in self.fields else f"col__{key}"
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


def initial_from_profile(profile: MappingProfile | None, kind: str) -> dict[str, Any]:
    """The form's starting values: a saved profile's, or sensible defaults."""
    spec = MappingSpec.parse(kind, profile.spec) if profile is not None else None
    initial: dict[str, Any] = {
        "encoding": "utf-8",
        "delimiter": ",",
        "date_formats": "\n".join(DEFAULT_DATE_FORMATS),
        "time_zone": "America/New_York",
        "unknown_codes": "other",
    }
    if profile is None or spec is None:
        return initial
    initial.update(
        {
            "name": profile.name,
            "department": profile.department_id,
            "program": profile.program_id,
            "encoding": spec.encoding,
            "delimiter": spec.delimiter,
            "sheet": spec.sheet,
            "header_row": spec.header_row,
            "date_formats": "\n".join(spec.date_formats),
            "time_zone": spec.time_zone,
            "unknown_codes": spec.unknown_codes,
            "true_values": ", ".join(spec.true_values),
            "false_values": ", ".join(spec.false_values),
        }
    )
    for name in targets_for(kind):
        initial[f"col__{name}"] = ", ".join(spec.columns.get(name, []))
        initial[f"sep__{name}"] = spec.separators.get(name, "")
        initial[f"default__{name}"] = spec.defaults.get(name, "")
        initial[f"values__{name}"] = _translations_text(spec.values.get(name, {}))
    return initial
