from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from sanfang.core import views as core_views
from sanfang.directory import views as directory_views

from .api import api

admin.site.site_header = _("三方联动平台 · 管理后台")
admin.site.site_title = _("三方联动平台")

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", directory_views.login_view, name="login"),
    path("login/verify/", directory_views.totp_verify, name="login-totp"),
    path("logout/", directory_views.logout_view, name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("sanfang.core.urls")),
    path("directory/", include("sanfang.directory.urls")),
]

# Each capability app mounts itself when it has pages (see <app>/urls.py).
for app, prefix in [
    ("meetings", "meetings/"),
    ("cases", "cases/"),
    ("publicity", ""),
    ("bulletins", "bulletins/"),
    ("reports", "reports/"),
    ("appraisal", "appraisal/"),
    ("campaigns", "campaigns/"),
]:
    try:
        module = __import__(f"sanfang.{app}.urls", fromlist=["urlpatterns"])
    except ModuleNotFoundError as exc:
        if exc.name != f"sanfang.{app}.urls":
            raise
        continue
    urlpatterns.append(path(prefix, include(module)))

# No route serves MEDIA_ROOT, in development either: every upload is private and reaches its reader only through
# its app's permission-checked view (sanfang/core/files.py), so a guessed file name gives nothing away.

handler400 = "sanfang.core.errors_views.bad_request"
handler403 = "sanfang.core.errors_views.forbidden"
handler404 = "sanfang.core.errors_views.not_found"
handler500 = "sanfang.core.errors_views.server_error"
