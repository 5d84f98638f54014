from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.start, name="start"),
    path("overview/", views.overview, name="overview"),
    path("new/<str:report_type>/", views.compose, name="compose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/receive/", views.receive, name="receive"),
    path("<int:pk>/opinion/", views.opinion, name="opinion"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/agenda/", views.agenda, name="agenda"),
    path("<int:pk>/attachment/", views.attachment, name="attachment"),
    path("<int:pk>/docx/", views.docx, name="docx"),
    path("opinions/<int:pk>/answer/", views.answer, name="answer"),
]
