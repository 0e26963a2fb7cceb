from __future__ import annotations

from django.urls import path

from roadmaps import views

app_name = "roadmaps"

urlpatterns = [
    path("", views.roadmap_list, name="roadmap_list"),
    path("<int:pk>/", views.roadmap_detail, name="roadmap_detail"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
]
