"""The floor's URLconf: a minimal Django view returning a short string."""

from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", hello)]
