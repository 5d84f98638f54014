from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RAISED_KINDS, WEEKDAYS, Participant, Summary


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class AdHocMeetingForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("社区"))
    date = forms.DateField(label=_("会议日期"), widget=DateInput)
    start_time = forms.TimeField(label=_("开始时间"), widget=TimeInput, required=False)
    venue = forms.CharField(label=_("地点"), max_length=120, required=False)
    reason = forms.CharField(
        label=_("召开事由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("临时会议为重大问题或特殊情况召开，必须写明事由（JM-3）"),
    )

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class MeetingEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("会议日期"), widget=DateInput)
    start_time = forms.TimeField(label=_("开始时间"), widget=TimeInput)
    venue = forms.CharField(label=_("地点"), max_length=120)


class ScheduleForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("首选星期"), choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label=_("开始时间"), widget=TimeInput)
    venue = forms.CharField(label=_("地点"), max_length=120)
    agenda_close_working_days = forms.IntegerField(
        label=_("议题征集截止（会前工作日）"), min_value=1, max_value=20
    )


class RaiseItemForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("社区"))
    kind = forms.ChoiceField(label=_("议题类别"), choices=RAISED_KINDS)
    title = forms.CharField(label=_("议题"), max_length=200)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class ParticipantForm(forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=Participant.Role.choices)
    name = forms.CharField(label=_("姓名"), max_length=60)
    title = forms.CharField(label=_("职务"), max_length=160, required=False)


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(queryset=None, label=_("责任方"))
    working_days = forms.IntegerField(label=_("办理期限（工作日）"), min_value=1, max_value=250, initial=10)
    agenda_item = forms.ModelChoiceField(queryset=None, label=_("所属议题"), required=False)

    def __init__(self, *args, owners=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["agenda_item"].queryset = items


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("办理进展"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    done = forms.BooleanField(label=_("已办结"), required=False)


class SummaryGenerateForm(forms.Form):
    community = forms.ModelChoiceField(queryset=None, label=_("社区"))
    kind = forms.ChoiceField(label=_("类型"), choices=Summary.Kind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2020, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))], coerce=int, required=False
    )

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class SummaryEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    narrative = forms.CharField(label=_("工作情况"), widget=forms.Textarea(attrs={"rows": 8}), required=False)
    suggestions = forms.CharField(
        label=_("意见建议"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )


class DocumentEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 18}))
