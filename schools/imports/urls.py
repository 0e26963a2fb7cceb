from __future__ import annotations

from django.urls import path

from schools.imports import views

urlpatterns = [
    path("m/<int:pk>/", views.upload, name="import_upload"),
    path("m/<int:pk>/template.xlsx", views.template, name="import_template"),
    path("m/<int:pk>/registry.xlsx", views.registry_download, name="import_registry_download"),
    path("<int:pk>/", views.preview, name="import_preview"),
]
