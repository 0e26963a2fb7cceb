"""URLs of a school's profile, its risk factors, and the risk panels of the school and activity pages. Included by ``monitoring.urls`` under its namespace."""

from __future__ import annotations

from django.urls import path

from monitoring.profile import views

urlpatterns = [
    path("monitoring/schools/<int:pk>/profile/", views.school_profile, name="school_profile"),
    path("monitoring/schools/<int:pk>/profile/edit/", views.school_profile_edit, name="school_profile_edit"),
    path(
        "monitoring/schools/<int:pk>/risk-coverage/",
        views.school_risk_coverage,
        name="school_risk_coverage",
    ),
    path("monitoring/schools/<int:pk>/risks/", views.school_risks, name="school_risks"),
    path("monitoring/activities/<int:pk>/risks/", views.activity_risks, name="activity_risks"),
    path("monitoring/risk-factors/", views.risk_factor_list, name="risk_factor_list"),
]
