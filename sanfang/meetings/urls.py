from django.urls import path

from . import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("workbench/", views.workbench, name="workbench"),
    path("overview/", views.overview, name="overview"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/entrust/", views.meeting_entrust, name="meeting-entrust"),
    path("<int:pk>/held/", views.meeting_held, name="meeting-held"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant-add"),
    path("<int:pk>/participants/<int:pid>/remove/", views.participant_remove, name="participant-remove"),
    path("<int:pk>/participants/<int:pid>/attendance/", views.participant_attendance, name="attendance"),
    path("<int:pk>/checkin/<str:token>/", views.checkin, name="checkin"),
    path("<int:pk>/qr.svg", views.checkin_qr, name="checkin-qr"),
    path("<int:pk>/notice/draft/", views.notice_draft, name="notice-draft"),
    path("<int:pk>/minutes/", views.minutes_draft, name="minutes-draft"),
    path("<int:pk>/resolutions/add/", views.resolution_add, name="resolution-add"),
    path("items/raise/", views.item_raise, name="item-raise"),
    path("items/mine/", views.my_items, name="my-items"),
    path("items/<int:pk>/screen/", views.item_screen, name="item-screen"),
    path("documents/<int:pk>/", views.document_detail, name="document"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document-edit"),
    path("documents/<int:pk>/request/", views.document_request, name="document-request"),
    path("documents/<int:pk>/sign/", views.document_sign, name="document-sign"),
    path("documents/<int:pk>/addendum/", views.document_addendum, name="document-addendum"),
    path("documents/<int:pk>/docx/", views.document_docx, name="document-docx"),
    path("resolutions/mine/", views.my_resolutions, name="my-resolutions"),
    path("resolutions/<int:pk>/", views.resolution_detail, name="resolution"),
    path("resolutions/<int:pk>/evidence/<int:nid>/", views.evidence, name="evidence"),
    path("resolutions/<int:pk>/reopen/", views.resolution_reopen, name="resolution-reopen"),
    path("schedule/<str:code>/", views.schedule_edit, name="schedule"),
    path("summaries/", views.summary_list, name="summaries"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary"),
    path("summaries/<int:pk>/docx/", views.summary_docx, name="summary-docx"),
    path("summaries/<int:pk>/<str:action>/", views.summary_action, name="summary-action"),
]
