"""A URLconf for this app's tests used only when the shared root URLconf cannot be imported (another app's
half-written module in the shared working tree): the same core, directory and meetings routes."""

from django.urls import include, path
from ninja import NinjaAPI

from sanfang.core import views as core_views
from sanfang.core.api_auth import AUTH
from sanfang.directory import views as directory_views

api = NinjaAPI(title="test", version="test-meetings", auth=AUTH, urls_namespace="api")

from django.core.exceptions import PermissionDenied  # noqa: E402
from django.http import Http404  # noqa: E402
from ninja.errors import AuthenticationError  # noqa: E402

from sanfang.core.errors import DomainError  # noqa: E402


@api.exception_handler(DomainError)
def _domain(request, exc):
    return api.create_response(request, {"detail": exc.message}, status=exc.status)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(Http404)
def _missing(request, exc):
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauth(request, exc):
    return api.create_response(request, {"detail": "login"}, status=401)


from sanfang.meetings.api import router  # noqa: E402

api.add_router("/meetings/", router)

from django.contrib import admin  # noqa: E402

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", core_views.home, name="home"),
    path("login/", directory_views.login_view, name="login"),
    path("logout/", directory_views.logout_view, name="logout"),
    path("api/v1/", api.urls),
    path("", include("sanfang.core.urls")),
    path("directory/", include("sanfang.directory.urls")),
    path("meetings/", include("sanfang.meetings.urls")),
]
for app, prefix in [
    ("cases", "cases/"),
    ("publicity", ""),
    ("bulletins", "bulletins/"),
    ("reports", "reports/"),
    ("appraisal", "appraisal/"),
    ("campaigns", "campaigns/"),
]:
    try:
        module = __import__(f"sanfang.{app}.urls", fromlist=["urlpatterns"])
    except Exception:  # noqa: BLE001, S112 - skip a sibling app that is mid-edit
        continue
    urlpatterns.append(path(prefix, include(module)))
