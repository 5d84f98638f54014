from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Building, FeeRegime, OrgKind, Place, PlaceKind, Residency


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("手机号或用户名"), max_length=60, error_messages={"required": _("请填写手机号或用户名。")}
    )
    password = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput, error_messages={"required": _("请填写密码。")}
    )


class ResidentRegistrationForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    password = forms.CharField(
        label=_("设置密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位，不要只用数字。"),
    )
    compound = forms.ModelChoiceField(label=_("所住小区"), queryset=Place.objects.compounds())
    building = forms.ModelChoiceField(label=_("楼栋"), queryset=Building.objects.none(), required=False)
    room = forms.CharField(label=_("单元和房号"), max_length=40, help_text=_("如：2单元 301"))
    relation = forms.ChoiceField(label=_("身份"), choices=Residency.Relation.choices)

    def __init__(self, *args, compound=None, **kwargs):
        super().__init__(*args, **kwargs)
        selected = compound or self.data.get("compound") or None
        if selected:
            self.fields["building"].queryset = Building.objects.filter(compound=selected)


class ResidencyClaimForm(ResidentRegistrationForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "phone", "password"):
            del self.fields[name]


class PlaceForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(label=_("代码"), max_length=20)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    year_built = forms.IntegerField(label=_("建成年份"), required=False, min_value=1900, max_value=2100)
    households = forms.IntegerField(label=_("户数"), required=False, min_value=0)


class OrganisationForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    name = forms.CharField(label=_("名称"), max_length=120)
    phone = forms.CharField(label=_("办公电话"), max_length=30, required=False)


class AppointForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    title = forms.CharField(label=_("职务"), max_length=60)
    is_head = forms.BooleanField(label=_("组织负责人"), required=False)
    leads_epmc = forms.BooleanField(label=_("分管环境和物业管理（主持联席会议办公室）"), required=False)
    is_party_member = forms.BooleanField(label=_("党员"), required=False)
    contact_public = forms.BooleanField(label=_("在公示栏公开联系电话"), required=False)
    contact = forms.CharField(label=_("公开联系电话"), max_length=30, required=False)
    term_start = forms.DateField(
        label=_("任期开始"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(
        label=_("任期结束"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ContractForm(forms.Form):
    company = forms.ModelChoiceField(label=_("物业服务企业"), queryset=None)
    start = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    fee_regime = forms.ChoiceField(label=_("收费方式"), choices=FeeRegime.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Organisation

        self.fields["company"].queryset = Organisation.objects.of_kind(OrgKind.PROPERTY_COMPANY)


class ContractEndForm(forms.Form):
    end = forms.DateField(
        label=_("服务最后一天"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("默认今天。")
    )
    reason = forms.CharField(
        label=_("结束原因"), max_length=200, help_text=_("例如：业主大会决定解聘、企业退出。")
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("不通过原因"), max_length=200)


PLACE_CHILD_KIND = {
    PlaceKind.COUNTY: PlaceKind.STREET,
    PlaceKind.STREET: PlaceKind.COMMUNITY,
    PlaceKind.COMMUNITY: PlaceKind.COMPOUND,
}
