from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path("<int:pk>/at/<str:code>/", views.place_view, name="place"),
    path("<int:pk>/surveys.xlsx", views.surveys_xlsx, name="surveys-xlsx"),
    path("<int:pk>/rollup.xlsx", views.rollup_xlsx, name="rollup-xlsx"),
    path("<int:pk>/rollup.docx", views.rollup_docx, name="rollup-docx"),
    path("<int:pk>/import/", views.survey_import, name="import"),
    path("<int:pk>/import/template.xlsx", views.import_template, name="import-template"),
    path("<int:pk>/compounds/<str:code>/survey/", views.survey_start, name="survey-start"),
    path("<int:pk>/streets/<str:code>/report/", views.report_for_street, name="report-street"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey"),
    path("surveys/<int:pk>/review/", views.survey_review, name="survey-review"),
    path("surveys/<int:pk>/scope/", views.survey_scope, name="survey-scope"),
    path("surveys/<int:pk>/investigate/", views.investigation_open, name="investigation-open"),
    path("investigations/<int:pk>/", views.investigation_detail, name="investigation"),
    path("investigations/<int:pk>/problems/", views.problem_add, name="problem-add"),
    path("investigations/<int:pk>/conclude/", views.investigation_conclude, name="investigation-conclude"),
    path("investigations/<int:pk>/record.docx", views.investigation_docx, name="investigation-docx"),
    path("problems/<int:pk>/rectify/", views.problem_rectify, name="problem-rectify"),
    path("problems/<int:pk>/note/", views.problem_note, name="problem-note"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/report.docx", views.report_docx, name="report-docx"),
    path("epmc/", views.epmc_home, name="epmc"),
    path("epmc/overview/", views.epmc_overview, name="epmc-overview"),
    path("epmc/<str:code>/", views.epmc_community, name="epmc-community"),
    path("epmc/<str:code>/records.docx", views.epmc_records_docx, name="epmc-records"),
    path("epmc/attachments/<int:pk>/", views.attachment, name="epmc-attachment"),
]
