"""URLs of the public progress page of a roadmap and the calendar feed. Included by ``monitoring.urls`` under its namespace."""

from __future__ import annotations

from django.urls import path

from monitoring.publishing import views

urlpatterns = [
    path("monitoring/roadmaps/<int:pk>/public/", views.public_page_settings, name="public_page_settings"),
    path(
        "monitoring/roadmaps/<int:pk>/public/update/",
        views.public_page_update,
        name="public_page_update",
    ),
    path("public/<str:token>/", views.public_roadmap, name="public_roadmap"),
    path("public/<str:token>/embed/", views.public_roadmap_embed, name="public_roadmap_embed"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/create/", views.calendar_create, name="calendar_create"),
    path("calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
