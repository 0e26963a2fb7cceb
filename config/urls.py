from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from roadmaps.views import home
from schools.accounts import PasswordResetView

admin.site.site_header = "Дорожные карты: поддержка школ"
admin.site.site_title = "Дорожные карты"
admin.site.index_title = "Администрирование"

urlpatterns = [
    path("", home.home, name="home"),
    path("roadmaps/", include("roadmaps.urls")),
    path("documents/", include("roadmaps.documents.urls")),
    path("", include("monitoring.urls")),
    path("schools/", include("schools.urls")),
    # The limited reset first: the same name as the auth urls' own, which it replaces.
    path("accounts/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
