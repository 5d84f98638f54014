from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.compose, name="compose"),
    path("overview/", views.overview, name="overview"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/ack/", views.acknowledge, name="acknowledge"),
]
