"""Mounted at the site root: the public board lives at the short, stable /b/<compound code>."""

from django.urls import path

from . import views

app_name = "publicity"

urlpatterns = [
    path("b/<str:code>", views.board, name="board"),
    path("b/<str:code>/screen", views.board_screen, name="board-screen"),
    path("b/<str:code>/poster", views.board_poster, name="board-poster"),
    path("b/<str:code>/share", views.board_share, name="board-share"),
    path("b/<str:code>/qr.svg", views.board_qr, name="board-qr"),
    path("b/<str:code>/verify", views.board_verify, name="board-verify"),
    path("b/<str:code>/items/<int:pk>", views.item_history, name="item-history"),
    path("publicity/", views.home, name="home"),
    path("publicity/status.xlsx", views.status_export, name="status-export"),
    path("publicity/compounds/<str:code>/", views.compound_items, name="compound"),
    path("publicity/compounds/<str:code>/charge-change/", views.charge_change_new, name="charge-change"),
    path("publicity/items/<int:pk>/", views.item_edit, name="item-edit"),
    path("publicity/items/<int:pk>/withdraw/", views.item_withdraw, name="item-withdraw"),
]
