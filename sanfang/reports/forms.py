"""Report forms: the compose form is built per type from its field specs (PN-4); opinion and answer (PN-5)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .kinds import TYPES, ReportType
from .models import RecipientKind


def _field_for(spec) -> forms.Field:
    common = {"label": spec.label, "required": spec.required, "help_text": spec.help}
    if spec.kind == "longtext":
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, **common)
    if spec.kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if spec.kind in ("money", "percent"):
        return forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, **common)
    if spec.kind == "int":
        return forms.IntegerField(min_value=0, **common)
    if spec.kind == "choice":
        return forms.ChoiceField(choices=[("", "—")] + list(spec.choices), **common)
    return forms.CharField(max_length=200, **common)


class ReportForm(forms.Form):
    """Common part of every report; the type's own fields are added in __init__."""

    reporting_org = forms.TypedChoiceField(label=_("报告单位"), coerce=int)
    title = forms.CharField(label=_("标题"), max_length=120)
    summary = forms.CharField(label=_("报告内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    recipients = forms.MultipleChoiceField(
        label=_("报送对象"),
        choices=RecipientKind.choices,
        initial=list(RecipientKind.values),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, report_type: str, reporters, oral: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_type = report_type
        self.fields["reporting_org"].choices = [(o.pk, o.name) for o in reporters]
        if len(reporters) == 1:
            self.fields["reporting_org"].initial = reporters[0].pk
        if oral:
            self.fields["oral_reporter"] = forms.CharField(
                label=_("口头报告人"), max_length=60, help_text=_("职务和姓名，如：业委会主任 陈静")
            )
            self.fields["oral_at"] = forms.DateTimeField(
                label=_("口头报告时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
            )
        else:
            self.fields["attachment"] = forms.FileField(
                label=_("附件"),
                required=False,
                help_text=_("书面报告、决议、预算等，PDF/Word/Excel/图片，20 MB 以内"),
            )
        self.type_field_names = []
        for spec in TYPES[report_type].fields:
            self.fields[spec.name] = _field_for(spec)
            self.type_field_names.append(spec.name)

    def type_values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.type_field_names}


class StartForm(forms.Form):
    type = forms.ChoiceField(label=_("报告类型"), choices=ReportType.choices)
    compound = forms.ChoiceField(label=_("小区"))
    mode = forms.ChoiceField(
        label=_("报告方式"), choices=[("written", _("书面报告")), ("oral", _("记录口头报告"))]
    )

    def __init__(self, *args, compounds, can_oral: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [(c.code, f"{c.name}") for c in compounds]
        if not can_oral:
            self.fields["mode"].choices = [("written", _("书面报告"))]


class OpinionForm(forms.Form):
    text = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
