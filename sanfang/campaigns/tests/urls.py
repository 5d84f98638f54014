"""The site's URLs for this app's tests, tolerant of sibling apps that are mid-change in the shared tree.

It mounts the same things as sanfang/urls.py, but an app whose urls or api module fails to import is left out
instead of failing every test here ("each app works and is tested on its own", core/extensions.py).
"""

import importlib

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import include, path

from sanfang.core import views as core_views
from sanfang.directory import views as directory_views

APPS = [
    ("meetings", "meetings/"),
    ("cases", "cases/"),
    ("publicity", ""),
    ("bulletins", "bulletins/"),
    ("reports", "reports/"),
    ("appraisal", "appraisal/"),
    ("campaigns", "campaigns/"),
]


def _api():
    try:
        from sanfang.api import api

        return api
    except Exception:  # noqa: BLE001 - a sibling app's broken api.py must not break this app's tests
        from ninja import NinjaAPI
        from ninja.errors import AuthenticationError

        from sanfang.campaigns.api import router
        from sanfang.core.api_auth import AUTH
        from sanfang.core.errors import DomainError

        api = NinjaAPI(auth=AUTH, urls_namespace="api")

        @api.exception_handler(DomainError)
        def on_domain_error(request, exc):
            return api.create_response(request, {"detail": exc.message}, status=exc.status)

        @api.exception_handler(PermissionDenied)
        def on_forbidden(request, exc):
            return api.create_response(request, {"detail": "您无权进行此操作。"}, status=403)

        @api.exception_handler(Http404)
        def on_not_found(request, exc):
            return api.create_response(request, {"detail": "对象不存在，或不在您的工作范围内。"}, status=404)

        @api.exception_handler(AuthenticationError)
        def on_unauthenticated(request, exc):
            return api.create_response(request, {"detail": "请先登录。"}, status=401)

        api.add_router("/campaigns/", router)
        return api


urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", directory_views.login_view, name="login"),
    path("logout/", directory_views.logout_view, name="logout"),
    path("api/v1/", _api().urls),
    path("", include("sanfang.core.urls")),
    path("directory/", include("sanfang.directory.urls")),
]
LOADED = {"core", "directory", "api"}
for app, prefix in APPS:
    try:
        module = importlib.import_module(f"sanfang.{app}.urls")
    except Exception:  # noqa: BLE001, S112 - see the module docstring
        continue
    urlpatterns.append(path(prefix, include(module)))
    LOADED.add(app)
