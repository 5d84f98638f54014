"""Forms of the cases pages; validation of rules stays in services (forms only parse)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sanfang.directory.models import Building, Organisation, OrgKind, Person

from .images import MAX_PHOTOS
from .models import CaseClass, Category, EngagementKind, MatterKind, Rating, Source


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    """The resident's report form (mobile first); the contact is kept private."""

    category = forms.ChoiceField(label=_("问题类别"), choices=Category.choices)
    description = forms.CharField(
        label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000
    )
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    unit = forms.CharField(label=_("单元 / 具体位置"), max_length=60, required=False)
    photos = MultiplePhotoField(
        label=_("照片（选填）"),
        required=False,
        # lazy as a whole: a lazy string formatted with % at import time would stay in the import-time language
        help_text=lazy(
            lambda: gettext("最多 %(n)d 张；照片中的位置等信息会被自动去除。") % {"n": MAX_PHOTOS}, str
        )(),
    )
    reporter_name = forms.CharField(label=_("称呼（选填）"), max_length=60, required=False)
    reporter_contact = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=30,
        required=False,
        help_text=_("只有办理人员能看到，不会公示。可以匿名反映。"),
    )

    def __init__(self, *args, compound=None, **kwargs):
        super().__init__(*args, **kwargs)
        if compound is not None:
            self.fields["building"].queryset = Building.objects.filter(compound=compound)


class StaffCaseForm(ReportForm):
    """Staff and grid workers enter cases found on rounds or phoned in."""

    compound = forms.IntegerField(widget=forms.HiddenInput)
    source = forms.ChoiceField(
        label=_("来源"), choices=[c for c in Source.choices if c[0] != Source.RESIDENT]
    )
    title = forms.CharField(label=_("标题"), max_length=120, required=False)

    field_order = ["source", "category", "title", "description", "building", "unit", "photos"]


class ClassifyForm(forms.Form):
    case_class = forms.ChoiceField(label=_("分类"), choices=CaseClass.choices)
    convener = forms.ModelChoiceField(
        label=_("日常问题召集人"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("分管环境和物业管理的居委会委员（默认）"),
        help_text=_("也可由经授权的小区党组织负责人召集（CS-2）"),
    )
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("调整已有分类时必须填写"),
    )


class TextForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))


class HandoverForm(forms.Form):
    to_org = forms.ModelChoiceField(label=_("移交给"), queryset=Organisation.objects.none())
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class InvestigationForm(forms.Form):
    held_on = forms.DateField(
        label=_("调查日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    participants = forms.CharField(
        label=_("参加人员"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每行一人：身份代码 姓名。身份代码：residents_committee、compound_party_org、epmc、"
            "owners_committee、property_company、stakeholder、resident_rep"
        ),
    )
    findings = forms.CharField(label=_("调查情况"), widget=forms.Textarea(attrs={"rows": 4}))
    proposed_solution = forms.CharField(
        label=_("拟定解决方案"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def clean_participants(self):
        rows = []
        for line in self.cleaned_data["participants"].splitlines():
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                rows.append({"role": parts[0], "name": parts[1]})
            elif parts:
                raise forms.ValidationError(_("每行写“身份代码 姓名”。"))
        return rows


class SummonsForm(forms.Form):
    request = forms.CharField(label=_("协调事项"), widget=forms.Textarea(attrs={"rows": 3}))


class DepartmentSummonsForm(forms.Form):
    to_orgs = forms.ModelMultipleChoiceField(
        label=_("报到部门 / 单位"),
        queryset=Organisation.objects.filter(kind=OrgKind.DEPARTMENT),
        widget=forms.CheckboxSelectMultiple,
    )
    request = forms.CharField(label=_("协调事项"), widget=forms.Textarea(attrs={"rows": 3}))


class ReportInForm(forms.Form):
    reply = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 3}))
    actions = forms.CharField(label=_("采取措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewForm(forms.Form):
    progress = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    next_review_on = forms.DateField(
        label=_("下次跟踪日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ExplanationForm(forms.Form):
    held_on = forms.DateField(
        label=_("解释日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    content = forms.CharField(label=_("解释内容"), widget=forms.Textarea(attrs={"rows": 4}))


class EngagementForm(forms.Form):
    kind = forms.ChoiceField(label=_("形式"), choices=EngagementKind.choices)
    held_on = forms.DateField(
        label=_("日期"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    participants_count = forms.IntegerField(label=_("参加人数"), min_value=1)
    summary = forms.CharField(label=_("情况摘要"), widget=forms.Textarea(attrs={"rows": 3}))
    outcome = forms.CharField(label=_("结果"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(label=_("您对处理结果"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("意见（选填）"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    dispute = forms.BooleanField(label=_("问题并未解决，我对办结有异议"), required=False)


class MatterForm(forms.Form):
    compound = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("事项类型"), choices=MatterKind.choices)
    title = forms.CharField(label=_("标题"), max_length=120)
    description = forms.CharField(
        label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
