"""Forms of the directory pages: search, and HSDS file upload."""

from __future__ import annotations

from django import forms

from coresponse.directory.selectors import DirectoryQuery


class DirectorySearchForm(forms.Form):
    text = forms.CharField(label="Need or keyword", required=False, max_length=100)
    need = forms.ChoiceField(label="Need", required=False)
    town = forms.CharField(label="Town", required=False, max_length=100)
    language = forms.CharField(label="Language", required=False, max_length=60)
    age = forms.IntegerField(label="Age", required=False, min_value=0, max_value=120)
    is_open_now = forms.BooleanField(label="Open now", required=False)
    include_closed = forms.BooleanField(label="Include inactive services", required=False)

    def __init__(self, *args: object, needs: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["need"].choices = [("", "Any need"), *needs]  # type: ignore[attr-defined]
        self.fields["town"].widget.attrs.update({"list": "towns", "autocomplete": "off"})
        self.fields["age"].widget.attrs.update({"inputmode": "numeric"})

    def to_query(self) -> DirectoryQuery:
        values = self.cleaned_data
        return DirectoryQuery(
            text=values.get("text") or "",
            need=values.get("need") or "",
            town=(values.get("town") or "").strip(),
            language=(values.get("language") or "").strip(),
            age=values.get("age"),
            is_open_now=bool(values.get("is_open_now")),
            include_closed=bool(values.get("include_closed")),
        )


class HsdsUploadForm(forms.Form):
    file = forms.FileField(
        label="HSDS file",
        help_text="A .json file (a page of services) or a .zip of HSDS CSV files, up to 20 MB.",
    )
