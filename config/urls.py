from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Дорожные карты: поддержка школ"
admin.site.site_title = "Дорожные карты"
admin.site.index_title = "Администрирование"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="roadmaps:roadmap_list", permanent=False)),
    path("roadmaps/", include("roadmaps.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
