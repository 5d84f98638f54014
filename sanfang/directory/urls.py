from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/residency/", views.register_residency, name="register-residency"),
    path("register/buildings/", views.buildings_options, name="building-options"),
    path("compounds/", views.compound_search, name="compound-search"),
    path("me/", views.profile, name="profile"),
    path("me/tokens/", views.token_create, name="token-create"),
    path("me/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("me/totp/", views.totp_setup, name="totp"),
    path("me/data/", views.my_data, name="my-data"),
    path("me/erase/", views.erase_account, name="erase-account"),
    path("places/", views.places, name="places"),
    path("places/<str:code>/", views.place_detail, name="place"),
    path("places/<str:code>/children/", views.place_add_child, name="place-add-child"),
    path("places/<str:code>/organisations/", views.organisation_add, name="organisation-add"),
    path("places/<str:code>/contracts/", views.contract_add, name="contract-add"),
    path("places/<str:code>/contracts/<int:pk>/end/", views.contract_end, name="contract-end"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("positions/<int:pk>/end/", views.position_end, name="position-end"),
    path("residents/", views.residents, name="residents"),
    path("residents/pending/", views.residents_pending, name="residents-pending"),
    path("residents/<int:pk>/decide/", views.residency_decide, name="residency-decide"),
    path("residents/<int:pk>/end/", views.residency_end, name="residency-end"),
    path("residents/<int:pk>/moved-out/", views.residency_moved_out, name="residency-moved-out"),
]
