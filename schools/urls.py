from __future__ import annotations

from django.urls import path

from schools import views

app_name = "schools"

urlpatterns = [
    path("<int:pk>/", views.school_detail, name="school_detail"),
]
