from typing import Any

from django import forms

from .search import FACETS, Results, search


class ValuesField(forms.Field):
    """A repeated parameter (``?tag=a&tag=b``): its non-empty values, each once, in order."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *, max_values: int, max_length: int, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.max_values, self.max_length = max_values, max_length

    def to_python(self, value: Any) -> list[str]:
        values = [str(v).strip() for v in (value or []) if str(v).strip()]
        return list(dict.fromkeys(values))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > self.max_values:
            raise forms.ValidationError(f"At most {self.max_values} values.")
        if any(len(v) > self.max_length for v in value):
            raise forms.ValidationError(f"A value has more than {self.max_length} characters.")


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    category = ValuesField(max_values=20, max_length=50)
    tag = ValuesField(max_values=20, max_length=50)

    def results(self, page: int) -> Results:
        data = self.cleaned_data
        return search(data["q"].strip(), {name: data[name] for name in FACETS}, page)
