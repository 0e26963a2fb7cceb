"""URLs of a roadmap's target indicators and their values. Included by ``monitoring.urls`` under its namespace."""

from __future__ import annotations

from django.urls import path

from monitoring.indicators import views

urlpatterns = [
    path("monitoring/roadmaps/<int:pk>/indicators/", views.roadmap_indicators, name="roadmap_indicators"),
    path("monitoring/indicators/<int:pk>/", views.indicator_update, name="indicator_update"),
    path("monitoring/indicators/<int:pk>/values/", views.indicator_values, name="indicator_values"),
    path(
        "monitoring/indicators/<int:pk>/values/add/",
        views.indicator_value_create,
        name="indicator_value_create",
    ),
    path(
        "monitoring/indicator-values/<int:pk>/delete/",
        views.indicator_value_remove,
        name="indicator_value_delete",
    ),
]
