"""URLs of progress dashboards: region, municipality, school, roadmap, and their XLSX export. Included by ``monitoring.urls`` under its namespace."""

from __future__ import annotations

from django.urls import path

from monitoring.dashboards import views

urlpatterns = [
    path("monitoring/", views.dashboard_home, name="dashboard_home"),
    path("monitoring/regions/<int:pk>/", views.region_dashboard, name="region_dashboard"),
    path(
        "monitoring/municipalities/<int:pk>/",
        views.municipality_dashboard,
        name="municipality_dashboard",
    ),
    path("monitoring/schools/<int:pk>/", views.school_dashboard, name="school_dashboard"),
    path("monitoring/roadmaps/<int:pk>/", views.roadmap_dashboard, name="roadmap_dashboard"),
    path("monitoring/<slug:scope>/<int:pk>/export/", views.dashboard_export, name="dashboard_export"),
]
