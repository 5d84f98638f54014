from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "sanfang.appraisal"
    label = "appraisal"
    verbose_name = _("评议监督考评")
