from __future__ import annotations

from django.urls import include, path

from schools import views

app_name = "schools"

# Each slice's names start with its own word (registry_, import_, users_/invitation_,
# consent/no_role), so that they share the one ``schools:`` namespace without clashing.
urlpatterns = [
    path("<int:pk>/", views.school_detail, name="school_detail"),
    path("registry/", include("schools.registry.urls")),
    path("registry/import/", include("schools.imports.urls")),
    path("users/", include("schools.invitations.urls")),
    path("", include("schools.consent.urls")),
]
