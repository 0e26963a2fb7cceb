from __future__ import annotations

from django.urls import path

from schools.consent import views

urlpatterns = [
    path("consent/", views.consent, name="consent"),
    path("consent/text/", views.consent_text, name="consent_text"),
    path("no-role/", views.no_role, name="no_role"),
]
