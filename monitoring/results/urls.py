"""URLs of school results, their imports and blank templates. Included by ``monitoring.urls`` under its namespace."""

from __future__ import annotations

from django.urls import path

from monitoring.results import views

urlpatterns = [
    path("monitoring/schools/<int:pk>/results/", views.school_results, name="school_results"),
    path(
        "monitoring/municipalities/<int:pk>/results/",
        views.municipality_results,
        name="municipality_results",
    ),
    path("monitoring/municipalities/<int:pk>/results/import/", views.results_import, name="results_import"),
    path(
        "monitoring/municipalities/<int:pk>/results/import/<str:token>/",
        views.results_import_preview,
        name="results_import_preview",
    ),
    path(
        "monitoring/municipalities/<int:pk>/results/template/",
        views.results_template_download,
        name="results_template",
    ),
    path(
        "monitoring/municipalities/<int:pk>/olympiads/import/",
        views.olympiad_import,
        name="olympiad_import",
    ),
    path(
        "monitoring/municipalities/<int:pk>/olympiads/import/<str:token>/",
        views.olympiad_import_preview,
        name="olympiad_import_preview",
    ),
    path(
        "monitoring/municipalities/<int:pk>/olympiads/template/",
        views.olympiad_template_download,
        name="olympiad_template",
    ),
    path("monitoring/schools/<int:pk>/results/exams/", views.exam_result_create, name="exam_result_create"),
    path(
        "monitoring/schools/<int:pk>/results/olympiads/",
        views.olympiad_result_create,
        name="olympiad_result_create",
    ),
    path("monitoring/exam-results/<int:pk>/delete/", views.exam_result_remove, name="exam_result_delete"),
    path(
        "monitoring/olympiad-results/<int:pk>/delete/",
        views.olympiad_result_remove,
        name="olympiad_result_delete",
    ),
]
