from __future__ import annotations

from django.urls import path

from schools.registry import views

urlpatterns = [
    path("", views.registry, name="registry"),
]
