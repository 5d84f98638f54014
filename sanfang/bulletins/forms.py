"""Bulletin forms: compose (PN-3) and acknowledge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sanfang.directory.models import Place

from .models import Topic, Urgency


class BulletinForm(forms.Form):
    sender_org = forms.TypedChoiceField(label=_("通报方"), coerce=int)
    recipients = forms.TypedMultipleChoiceField(
        label=_("通报对象"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    include_street = forms.BooleanField(label=_("同时通报街道（乡镇）"), required=False)
    urgency = forms.ChoiceField(
        label=_("紧急程度"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        help_text=_(
            "重要通报须在 24 小时内签收，紧急通报须在 2 小时内签收；逾期未签收的报告社区党组织，再报告街道。"
        ),
    )
    ack_hours = forms.DecimalField(
        label=_("签收时限（小时）"),
        required=False,
        min_value=0.25,
        max_value=168,
        decimal_places=2,
        help_text=_("留空按紧急程度的默认时限"),
    )
    topic = forms.ChoiceField(label=_("类别"), choices=Topic.choices)
    compound = forms.TypedChoiceField(label=_("涉及小区"), coerce=int, required=False, empty_value=None)
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)
    case_ref = forms.CharField(label=_("关联问题编号"), max_length=40, required=False)

    def __init__(self, *args, senders, parties, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender_org"].choices = [(o.pk, o.name) for o in senders]
        self.fields["recipients"].choices = [
            (o.pk, _("%(name)s（%(kind)s）") % {"name": o.name, "kind": o.get_kind_display()})
            for o in parties
        ]
        self.fields["compound"].choices = [("", _("（不限）"))] + [(c.pk, c.name) for c in compounds]
        if len(senders) == 1:
            self.fields["sender_org"].initial = senders[0].pk


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("签收意见"), max_length=300, required=False)


def community_choices(queryset) -> list[Place]:
    return list(queryset.order_by("path"))
