from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sanfang.directory.models import Organisation, OrgKind

from .models import ChecklistItem, CompoundSurvey, Conclusion, EpmcActivity, ProgressReport

DATE = forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    title = forms.CharField(
        label=_("名称"), max_length=150, initial=_("专业化物业服务收费信息不透明问题专项整治")
    )
    purpose = forms.CharField(label=_("工作目标"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    scope = forms.CharField(
        label=_("整治范围"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("留空则为：实行专业化物业服务的住宅小区"),
    )
    survey_due = forms.DateField(label=_("摸排认定截止日期"), widget=DATE)
    investigation_due = forms.DateField(label=_("调查核实截止日期"), widget=DATE)
    report_due = forms.DateField(label=_("进展报告截止日期"), widget=DATE)


class SurveyForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = CompoundSurvey
        fields = [
            "name",
            "address",
            "year_built",
            "buildings",
            "households",
            "floor_area",
            "housing_nature",
            "is_old_compound",
            "management_mode",
            "company",
            "company_name",
            "contract_start",
            "contract_end",
            "fee_regime",
            "fee_standard",
            "has_owners_committee",
            "oc_term_end",
            "disclosure_status",
            "preliminary_type",
            "note",
        ]
        widgets = {
            "contract_start": DATE,
            "contract_end": DATE,
            "oc_term_end": DATE,
            "note": forms.Textarea(attrs={"rows": 2}),
            "year_built": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "households": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "buildings": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = Organisation.objects.filter(kind=OrgKind.PROPERTY_COMPANY).order_by(
            "name"
        )
        self.fields["company"].required = False
        self.fields["company"].help_text = _("已登记的企业从列表选择；未登记的填写下一栏名称")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核意见"),
        choices=[("approve", _("通过")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScopeForm(forms.Form):
    in_scope = forms.TypedChoiceField(
        label=_("整治范围"),
        choices=[("1", _("纳入整治范围")), ("0", _("不纳入整治范围"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("理由"), max_length=300)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("填好的模板（.xlsx）"))
    submit = forms.BooleanField(label=_("导入后直接提交街道审核"), required=False)


class InvestigationForm(forms.Form):
    investigated_on = forms.DateField(label=_("调查日期"), widget=DATE)
    investigators = forms.CharField(label=_("调查人员"), max_length=300, required=False)
    findings = forms.CharField(label=_("调查情况"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProblemForm(forms.Form):
    description = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(
        label=_("整改责任单位"), queryset=Organisation.objects.none(), required=False
    )
    owner_label = forms.CharField(label=_("或填写责任方"), max_length=120, required=False)
    due_on = forms.DateField(label=_("整改期限"), widget=DATE, required=False)
    working_days = forms.IntegerField(label=_("或：工作日数"), min_value=1, max_value=250, required=False)

    def __init__(self, *args, compound=None, **kwargs):
        super().__init__(*args, **kwargs)
        if compound is not None:
            from django.db.models import Q

            self.fields["owner"].queryset = Organisation.objects.filter(
                Q(place=compound) | Q(pk__in=Organisation.objects.serving(compound).values("pk"))
            ).order_by("kind", "name")


class ConcludeForm(forms.Form):
    conclusion = forms.ChoiceField(label=_("调查结论"), choices=Conclusion.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class RectifyForm(forms.Form):
    rectification = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("跟进情况"), widget=forms.Textarea(attrs={"rows": 2}))


CHECK_RESULTS = ChecklistItem.Result.choices


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressReport
        fields = ProgressReport.TEXT_FIELDS
        widgets = {
            f: forms.Textarea(attrs={"rows": 5})
            for f in ["basic_situation", "measures", "problems", "suggestions"]
        }


class ActivityForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("类型"), choices=EpmcActivity.Kind.choices)
    title = forms.CharField(label=_("主题"), max_length=150)
    participants = forms.ModelMultipleChoiceField(
        label=_("参加的委员"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    other_participants = forms.CharField(
        label=_("其他参加人员"),
        max_length=300,
        required=False,
        help_text=_("如：业委会委员、物业项目经理、居民代表"),
    )
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}))
    outcome = forms.CharField(label=_("成效"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, members=(), **kwargs):
        from sanfang.directory.models import Person

        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.filter(pk__in=[m.person_id for m in members])
        self.fields["participants"].label_from_instance = lambda p: p.name


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("从"), widget=DATE)
    end = forms.DateField(label=_("至"), widget=DATE)
