"""Date fields keep their value in Chinese: an <input type="date"> only accepts YYYY-MM-DD (issue 8, item 5)."""

import datetime as dt

from django import forms
from django.utils import translation


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_a_prefilled_date_field_renders_its_value_as_iso_in_chinese():
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": dt.date(2026, 11, 24)})["day"])
    assert 'value="2026-11-24"' in html


def test_dates_typed_the_chinese_way_are_still_accepted():
    with translation.override("zh-hans"):
        for typed in ("2026-11-24", "2026/11/24", "2026年11月24日"):
            form = _Form({"day": typed})
            assert form.is_valid(), typed
            assert form.cleaned_data["day"] == dt.date(2026, 11, 24)
