from django import forms

from .search import FACETS, Results, search


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200)
    category = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)
    tag = forms.CharField(required=False, max_length=50, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def results(self) -> Results:
        data = self.cleaned_data
        filters = {name: data[name] for name in FACETS}
        return search(data["q"].strip(), filters, data["page"] or 1)
