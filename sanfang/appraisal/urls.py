from django.urls import path

from . import views

app_name = "appraisal"

urlpatterns = [
    path("", views.index, name="index"),
    path("standards/", views.standards, name="standards"),
    path("standards/<int:pk>/", views.standard_detail, name="standard"),
    path("standards/<int:pk>/settings/", views.standard_settings, name="standard-settings"),
    path("standards/<int:pk>/criteria/", views.criterion_add, name="criterion-add"),
    path("standards/<int:pk>/defaults/", views.standard_defaults, name="standard-defaults"),
    path("standards/<int:pk>/publish/", views.standard_publish, name="standard-publish"),
    path("standards/<int:pk>/new-version/", views.standard_new_version, name="standard-new-version"),
    path("criteria/<int:pk>/", views.criterion_update, name="criterion-update"),
    path("criteria/<int:pk>/delete/", views.criterion_delete, name="criterion-delete"),
    path("rounds/open/", views.round_open, name="round-open"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/participants/", views.participants, name="participants"),
    path("rounds/<int:pk>/links/", views.links_issue, name="links-issue"),
    path("rounds/<int:pk>/subjects/<int:sid>/report/", views.self_report, name="self-report"),
    path("rounds/<int:pk>/subjects/<int:sid>/report/file/", views.self_report_file, name="self-report-file"),
    path("rounds/<int:pk>/meeting/", views.meeting, name="meeting"),
    path("rounds/<int:pk>/paper/", views.paper, name="paper"),
    path("rounds/<int:pk>/paper/print/", views.paper_print, name="paper-print"),
    path("rounds/<int:pk>/vote/", views.vote, name="vote"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<int:pk>/publish/", views.round_publish, name="round-publish"),
    path("rounds/<int:pk>/results/", views.results, name="results"),
    path("rounds/<int:pk>/results.xlsx", views.results_xlsx, name="results-xlsx"),
    path("rounds/<int:pk>/publicity/", views.publicity, name="publicity"),
    path("rounds/<int:pk>/approve/", views.approve, name="approve"),
    path("rounds/<int:pk>/circulate/", views.circulate, name="circulate"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection-answer"),
    path("r/<int:pk>/", views.public_result, name="public"),
    path("v/<str:token>/", views.ballot, name="ballot"),
    path("streets/<int:street_id>/<int:year>/", views.circulation, name="circulation"),
    path("streets/<int:street_id>/<int:year>/notice.docx", views.circulation_docx, name="circulation-docx"),
    path("companies/<int:pk>/credit/", views.credit, name="credit"),
    path("organisations/<int:pk>/history/", views.history, name="history"),
]
