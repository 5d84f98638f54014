from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("new/", views.staff_new, name="new"),
    path("mine/", views.my_reports, name="mine"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("report/<str:code>/", views.report, name="report"),
    path("follow/<str:token>/", views.follow, name="follow"),
    path("public/<str:tracking_no>/", views.public_case, name="public"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("summonses/", views.summonses, name="summonses"),
    path("overview/", views.overview, name="overview"),
    path("policy/", views.policy, name="policy"),
    path("matters/", views.matters, name="matters"),
    path("matters/new/", views.matter_new, name="matter-new"),
    path("matters/<int:pk>/", views.matter_detail, name="matter"),
    path("matters/<int:pk>/<str:action>/", views.matter_action, name="matter-action"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/investigation.docx", views.investigation_docx, name="investigation-docx"),
    path("<int:pk>/<str:action>/", views.action, name="action"),
]
