from django.urls import path

from . import inbox, job_views, views

app_name = "core"

urlpatterns = [
    path("todos/", views.todos, name="todos"),
    path("preferences/", views.preferences, name="preferences"),
    path("audit/", views.audit_trail, name="audit"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.open_message, name="message"),
    path("inbox/read-all/", inbox.mark_all_read, name="inbox-read-all"),
    path("jobs/", job_views.job_list, name="jobs"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job"),
    path("jobs/<int:pk>/status.json", job_views.job_status, name="job-status"),
    path("jobs/<int:pk>/result/", job_views.job_result, name="job-result"),
]
