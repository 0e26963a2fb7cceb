from __future__ import annotations

from django.urls import path

from schools.registry import views

urlpatterns = [
    path("", views.registry, name="registry"),
    path("region/<int:pk>/", views.registry_region, name="registry_region"),
    path(
        "region/<int:pk>/municipalities/",
        views.registry_municipality_create,
        name="registry_municipality_create",
    ),
    path("m/<int:pk>/", views.registry_municipality, name="registry_municipality"),
    path("m/<int:pk>/schools/new/", views.registry_school_add, name="registry_school_add"),
    path("m/<int:pk>/pairs/", views.registry_pair_create, name="registry_pair_create"),
    path("m/<int:pk>/coordinators/", views.registry_coordinator_create, name="registry_coordinator_create"),
    path("school/<int:pk>/", views.registry_school_edit, name="registry_school_edit"),
    path("school/<int:pk>/statuses/", views.registry_statuses, name="registry_statuses"),
    path("school/<int:pk>/history/", views.registry_school_history, name="registry_school_history"),
    path("pairs/<int:pk>/delete/", views.registry_pair_delete, name="registry_pair_delete"),
    path(
        "coordinators/<int:pk>/delete/", views.registry_coordinator_delete, name="registry_coordinator_delete"
    ),
    path("restore/<str:kind>/<int:history_id>/", views.registry_restore, name="registry_restore"),
]
