from __future__ import annotations

from django.urls import path

from schools.invitations import views

urlpatterns = [
    path("", views.users, name="users"),
    path("municipality/<int:pk>/", views.users_municipality, name="users_municipality"),
    path("municipality/<int:pk>/directors.xlsx", views.users_adoption_xlsx, name="users_adoption_xlsx"),
    path("municipality/<int:pk>/invite/", views.invitation_create, name="invitation_create"),
    path("municipality/<int:pk>/invite-directors/", views.invitation_bulk, name="invitation_bulk"),
    path("region/<int:pk>/", views.users_region, name="users_region"),
    path("region/<int:pk>/invite/", views.invitation_create_region, name="invitation_create_region"),
    path("invitation/<int:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitation/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path(
        "<int:pk>/organisation/<int:organisation_pk>/deactivate/",
        views.user_deactivate,
        name="user_deactivate",
    ),
    path(
        "<int:pk>/organisation/<int:organisation_pk>/reactivate/",
        views.user_reactivate,
        name="user_reactivate",
    ),
    path(
        "<int:pk>/organisation/<int:organisation_pk>/unlock/",
        views.user_unlock,
        name="user_unlock",
    ),
    path("school/<int:pk>/director/", views.director_replace, name="director_replace"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
