from __future__ import annotations

from django.urls import path

from schools.invitations import views

urlpatterns = [
    path("", views.users, name="users"),
]
