from __future__ import annotations

from django.urls import path

from roadmaps.documents import views

app_name = "documents"

urlpatterns = [
    path("roadmaps/<int:pk>/export/<str:kind>/", views.roadmap_export, name="roadmap_export"),
    path("roadmaps/<int:pk>/report/", views.roadmap_report, name="roadmap_report"),
    path("schools/<int:pk>/report/", views.school_report, name="school_report"),
    path("municipalities/<int:pk>/report/", views.municipality_report, name="municipality_report"),
    path("municipalities/<int:pk>/export/", views.municipality_export, name="municipality_export"),
    path("jobs/<str:job_id>/", views.job, name="job"),
    path("jobs/<str:job_id>/download/", views.job_download, name="job_download"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/<uuid:token>/", views.import_preview, name="import_preview"),
]
