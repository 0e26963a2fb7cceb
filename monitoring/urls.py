from __future__ import annotations

from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("read/", views.notifications_read, name="notifications_read"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
    path("settings/", views.settings_update, name="settings_update"),
]
