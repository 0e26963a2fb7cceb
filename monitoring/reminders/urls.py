"""URLs of the notifications page and its settings. Included by ``monitoring.urls`` under its namespace."""

from __future__ import annotations

from django.urls import path

from monitoring.reminders import views

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/settings/", views.settings_update, name="settings_update"),
]
