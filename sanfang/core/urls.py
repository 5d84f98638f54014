from django.urls import path

from . import inbox, views

app_name = "core"

urlpatterns = [
    path("todos/", views.todos, name="todos"),
    path("preferences/", views.preferences, name="preferences"),
    path("audit/", views.audit_trail, name="audit"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox.open_message, name="message"),
    path("inbox/read-all/", inbox.mark_all_read, name="inbox-read-all"),
]
